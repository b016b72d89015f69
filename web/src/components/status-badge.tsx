import {
  Ban,
  CheckCircle2,
  CircleDashed,
  Clock,
  Hourglass,
  Loader2,
  MinusCircle,
  RotateCw,
  TriangleAlert,
  XCircle,
} from 'lucide-react';
import type { ExecutionStatus, StepStatus } from '../api/types.ts';

type Status = ExecutionStatus | StepStatus;

/** Colour and icon per status, shared by the canvas, lists and timelines. */
export const statusStyle: Record<string, { label: string; badge: string; ring: string; icon: typeof Clock }> = {
  queued: { label: 'Queued', badge: 'bg-slate-100 text-slate-700', ring: 'ring-slate-400', icon: Clock },
  pending: { label: 'Pending', badge: 'bg-slate-100 text-slate-700', ring: 'ring-slate-400', icon: CircleDashed },
  running: { label: 'Running', badge: 'bg-blue-50 text-blue-700', ring: 'ring-blue-500', icon: Loader2 },
  retrying: { label: 'Retrying', badge: 'bg-amber-50 text-amber-700', ring: 'ring-amber-500', icon: RotateCw },
  waiting: { label: 'Waiting', badge: 'bg-violet-50 text-violet-700', ring: 'ring-violet-500', icon: Hourglass },
  succeeded: {
    label: 'Succeeded',
    badge: 'bg-emerald-50 text-emerald-700',
    ring: 'ring-emerald-500',
    icon: CheckCircle2,
  },
  /** A failed step whose node's settings handled the error: the run went on from it. */
  handled: { label: 'Handled', badge: 'bg-amber-50 text-amber-800', ring: 'ring-amber-400', icon: TriangleAlert },
  failed: { label: 'Failed', badge: 'bg-red-50 text-red-700', ring: 'ring-red-500', icon: XCircle },
  canceled: { label: 'Canceled', badge: 'bg-slate-100 text-slate-600', ring: 'ring-slate-400', icon: Ban },
  skipped: { label: 'Skipped', badge: 'bg-slate-50 text-slate-500', ring: 'ring-slate-300', icon: MinusCircle },
};

const fallback = { label: 'Unknown', badge: 'bg-slate-100 text-slate-600', ring: 'ring-slate-300', icon: CircleDashed };

export function StatusBadge({ status }: { status: Status | string }) {
  const style = statusStyle[status] ?? { ...fallback, label: status };
  const Icon = style.icon;
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${style.badge}`}>
      <Icon className={`size-3.5 ${status === 'running' ? 'animate-spin' : ''}`} aria-hidden />
      {style.label}
    </span>
  );
}
