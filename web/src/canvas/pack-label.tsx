import { Package } from 'lucide-react';
import type { NodeType } from '../api/types.ts';

/**
 * Which node pack a type came from, as `name@version` in a small grey label: a node the operator
 * installed is told from Stepwise's own wherever it is offered or configured. Nothing for built-ins.
 */
export function PackLabel({ pack }: { pack: NodeType['pack'] }) {
  if (!pack) return null;
  const label = `${pack.name}@${pack.version}`;
  return (
    <span
      className="inline-flex max-w-full min-w-0 shrink items-center gap-1 rounded bg-slate-100 px-1.5 py-px align-middle font-mono text-[10px] leading-4 font-medium text-slate-500 ring-1 ring-slate-200"
      title={`From the node pack ${pack.name}, version ${pack.version}`}
      data-testid="pack-label"
    >
      <Package className="size-3 shrink-0" aria-hidden />
      <span className="truncate">{label}</span>
    </span>
  );
}
