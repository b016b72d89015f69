import { CalendarClock, Hand, Link2, RotateCcw, TestTube2, TriangleAlert, Webhook } from 'lucide-react';

const triggers: Record<string, { label: string; icon: typeof Hand }> = {
  manual: { label: 'Manual', icon: Hand },
  schedule: { label: 'Schedule', icon: CalendarClock },
  webhook: { label: 'Webhook', icon: Webhook },
  retry: { label: 'Retry', icon: RotateCcw },
  test: { label: 'Test run', icon: TestTube2 },
  error: { label: 'Error workflow', icon: TriangleAlert },
  subworkflow: { label: 'Called by a workflow', icon: Link2 },
};

export const triggerLabel = (kind: string) => triggers[kind]?.label ?? kind;

/** What started a run, with its icon. */
export function TriggerLabel({ kind }: { kind: string }) {
  const trigger = triggers[kind];
  const Icon = trigger?.icon ?? Hand;
  return (
    <span className="inline-flex items-center gap-1.5 text-sm text-slate-600">
      <Icon className="size-3.5 text-slate-400" aria-hidden />
      {trigger?.label ?? kind}
    </span>
  );
}
