import { Box, Clock, Code, Globe, Hourglass, Merge, PencilLine, Play, Signpost, Split, Webhook } from 'lucide-react';

/** Node types name a lucide icon (nodes/ stays free of React); this maps the names to components. */
const icons: Record<string, typeof Box> = {
  play: Play,
  clock: Clock,
  webhook: Webhook,
  split: Split,
  signpost: Signpost,
  'pencil-line': PencilLine,
  code: Code,
  globe: Globe,
  hourglass: Hourglass,
  merge: Merge,
};

export function NodeIcon({ name, className = 'size-4' }: { name: string; className?: string }) {
  const Icon = icons[name] ?? Box;
  return <Icon className={className} aria-hidden />;
}

/** One accent per node kind, so a canvas reads at a glance. */
export const kindStyle: Record<string, { chip: string; label: string }> = {
  trigger: { chip: 'bg-violet-100 text-violet-700', label: 'Triggers' },
  condition: { chip: 'bg-amber-100 text-amber-700', label: 'Conditions' },
  transform: { chip: 'bg-sky-100 text-sky-700', label: 'Transforms' },
  action: { chip: 'bg-emerald-100 text-emerald-700', label: 'Actions' },
  flow: { chip: 'bg-slate-200 text-slate-700', label: 'Flow' },
};
