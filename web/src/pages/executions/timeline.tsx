import type { Graph, StepRun } from '../../api/types.ts';
import { formatDuration } from '../../lib/format.ts';
import { describeScope, timelineBars } from './steps.ts';

const barColour: Record<string, string> = {
  running: 'bg-blue-500 animate-pulse',
  succeeded: 'bg-emerald-500',
  failed: 'bg-red-500',
  // A failure its node's settings handled: the run went on.
  handled: 'bg-amber-400',
  canceled: 'bg-slate-400',
};

const rowClass = (selected: boolean) =>
  `grid w-full grid-cols-[11rem_minmax(0,1fr)_5rem] items-center gap-3 rounded px-1 py-1 text-left text-xs hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-600 ${
    selected ? 'bg-accent-50' : ''
  }`;

/** When each step ran, as bars along the run's span; clicking a row selects its node. */
export function Timeline({
  steps,
  graph,
  run,
  now,
  onSelect,
  selectedNodeId,
}: {
  steps: readonly StepRun[];
  graph: Graph | null;
  run: { startedAt: string | null; finishedAt: string | null };
  now: number;
  onSelect: (nodeId: string) => void;
  selectedNodeId: string | null;
}) {
  const { bars, spanMs, reused } = timelineBars(steps, run, now);
  if (bars.length === 0 && reused.length === 0) {
    return (
      <p className="rounded-xl border border-dashed border-slate-300 bg-white p-5 text-sm text-slate-500">
        No step has started yet.
      </p>
    );
  }
  const names = new Map(graph?.nodes.map((node) => [node.id, node.name]));
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="timeline">
      {bars.length > 0 && (
        <div className="mb-2 grid grid-cols-[11rem_minmax(0,1fr)_5rem] gap-3 text-[11px] text-slate-400">
          <span />
          <div className="flex justify-between tabular-nums">
            <span>0</span>
            <span>{formatDuration(spanMs / 2)}</span>
            <span>{formatDuration(spanMs)}</span>
          </div>
          <span />
        </div>
      )}
      <ul className="space-y-1">
        {reused.map((step) => {
          const name = names.get(step.nodeId) ?? step.nodeId;
          return (
            <li key={step.id}>
              <button
                type="button"
                onClick={() => onSelect(step.nodeId)}
                className={rowClass(selectedNodeId === step.nodeId)}
                aria-label={`${name}, reused from the run this one retries`}
              >
                <span className="truncate font-medium text-slate-700">{name}</span>
                <span className="truncate text-slate-400 italic">Reused from the run this one retries</span>
                <span className="text-right text-slate-400">reused</span>
              </button>
            </li>
          );
        })}
        {bars.map((bar) => {
          const name = names.get(bar.step.nodeId) ?? bar.step.nodeId;
          return (
            <li key={bar.step.id}>
              <button
                type="button"
                onClick={() => onSelect(bar.step.nodeId)}
                className={rowClass(selectedNodeId === bar.step.nodeId)}
                aria-label={`${name}, ${bar.step.scope ? `${describeScope(bar.step.scope)}, ` : ''}attempt ${bar.step.attempt}, ${bar.step.handled ? 'handled' : bar.step.status}, ${formatDuration(bar.durationMs)}`}
              >
                <span className="truncate font-medium text-slate-700">
                  {name}
                  {bar.step.scope && (
                    <span className="ml-1 font-normal text-slate-400">[{describeScope(bar.step.scope)}]</span>
                  )}
                  {bar.step.attempt > 1 && <span className="ml-1 font-normal text-slate-400">#{bar.step.attempt}</span>}
                </span>
                <span className="relative h-4 rounded bg-slate-100">
                  <span
                    className={`absolute inset-y-0 rounded ${barColour[bar.step.handled ? 'handled' : bar.step.status] ?? 'bg-slate-400'}`}
                    style={{ left: `${bar.offset}%`, width: `${bar.width}%` }}
                  />
                </span>
                <span className="text-right text-slate-500 tabular-nums">
                  {bar.open ? 'running' : formatDuration(bar.durationMs)}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
