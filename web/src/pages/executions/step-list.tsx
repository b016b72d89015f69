import { useMemo } from 'react';
import { graphOrder } from '../../../../server/core/graph/order.ts';
import type { LoopAwareStepRun } from '../../api/loop-routes.ts';
import { useNodeTypes } from '../../api/queries/node-types.ts';
import type { Graph } from '../../api/types.ts';
import { NodeChip } from '../../canvas/node-icon.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatDuration } from '../../lib/format.ts';
import { IterationTally } from './iteration-picker.tsx';
import { canvasStatus, describeScope, ignoredReason } from './steps.ts';

/**
 * The side panel before a node is picked: every node with its step status, in graph order. It is
 * also the keyboard way in (canvas nodes are for the mouse).
 */
export function StepList({
  graph,
  latest,
  onSelect,
}: {
  graph: Graph;
  /** Each node's step in the scope it is shown in (inside a loop: the item its frame shows). */
  latest: ReadonlyMap<string, LoopAwareStepRun>;
  onSelect: (nodeId: string) => void;
}) {
  const types = useNodeTypes().data;
  // The order steps run in (a loop's body right after its loop), the same on every run.
  const nodes = useMemo(() => {
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    return graphOrder(graph).flatMap((id) => byId.get(id) ?? []);
  }, [graph]);
  return (
    <aside
      aria-label="Steps"
      className="flex w-[26rem] shrink-0 flex-col overflow-hidden border-l border-slate-200 bg-white"
    >
      <div className="border-b border-slate-100 px-4 py-3">
        <h2 className="text-sm font-semibold text-slate-900">Steps</h2>
        <p className="text-xs text-slate-500">Pick a step, here or on the canvas, to see its input and output.</p>
      </div>
      <ul className="flex-1 overflow-y-auto p-2">
        {nodes.map((node) => {
          const nodeType = types?.get(node.type);
          const step = latest.get(node.id);
          const ignored = step && ignoredReason(step, node.type);
          return (
            <li key={node.id}>
              <button
                type="button"
                onClick={() => onSelect(node.id)}
                className="flex w-full items-center gap-2.5 rounded-md px-2 py-2 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-600"
              >
                <NodeChip type={nodeType} size="sm" />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium text-slate-900">{node.name}</span>
                  <span className="block truncate text-xs text-slate-500">
                    {nodeType?.title ?? node.type}
                    {step?.scope ? ` · ${describeScope(step.scope)}` : ''}
                    {step && step.attempt > 1 ? ` · ${step.attempt} attempts` : ''}
                  </span>
                  {step?.iterations && (
                    <span className="mt-0.5 block">
                      <IterationTally counts={step.iterations} wrap />
                    </span>
                  )}
                  {ignored && (
                    <span className="block truncate text-xs text-amber-700" title={ignored}>
                      Ignored: {ignored}
                    </span>
                  )}
                </span>
                {step ? (
                  <span className="flex shrink-0 flex-col items-end gap-0.5">
                    <StatusBadge status={canvasStatus(step) ?? step.status} />
                    <span className="text-[11px] text-slate-400 tabular-nums">{formatDuration(step.durationMs)}</span>
                  </span>
                ) : (
                  <span className="shrink-0 text-xs text-slate-400">Not run</span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
