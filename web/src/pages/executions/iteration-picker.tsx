import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ChevronLeft, ChevronRight, Filter, Recycle, RotateCw } from 'lucide-react';
import { useEffect, useId, useMemo, useState } from 'react';
import type { IterationCounts } from '../../api/loop-routes.ts';
import { executionQueries } from '../../api/queries/executions.ts';
import { statusStyle } from '../../components/status-badge.tsx';
import type { LoopView } from './use-iteration-view.ts';

/** "120 items · 118 ✓ · 1 failed · 1 skipped": how a loop's items went, in a loop's header and the step list. */
export function IterationTally({ counts, wrap = false }: { counts: IterationCounts; wrap?: boolean }) {
  const part = (value: number, label: string, className: string) =>
    value > 0 && (
      <span className={`tabular-nums ${className}`}>
        {value} {label}
      </span>
    );
  return (
    <span
      className={`flex min-w-0 items-center gap-x-2 whitespace-nowrap text-[11px] font-medium text-slate-500 ${wrap ? 'flex-wrap' : 'overflow-hidden'}`}
      data-testid="iteration-counts"
    >
      <span className="tabular-nums">
        {counts.total} item{counts.total === 1 ? '' : 's'}
      </span>
      {part(counts.succeeded, 'succeeded', 'text-emerald-700')}
      {part(counts.failed, 'failed', 'text-red-700')}
      {part(counts.skipped, 'skipped', 'text-slate-500')}
      {part(counts.running, 'running', 'text-blue-700')}
    </span>
  );
}

const stepButton =
  'flex size-6 items-center justify-center rounded text-slate-500 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-40 disabled:hover:bg-transparent';

/**
 * Which item of a loop the canvas and the step list show: a number, previous/next, and "failed
 * only" to step through the failed items alone (paged from `GET /executions/:id/iterations`).
 * Lives on the loop's frame, so nested loops each have their own.
 */
export function IterationPicker({
  executionId,
  loopId,
  loopName,
  view,
  origin,
  onSelect,
}: {
  executionId: string;
  loopId: string;
  loopName: string;
  view: LoopView;
  /** In a retry: the shown item's steps were reused from the retried run, or it ran again. */
  origin?: 'reused' | 'ran-again' | undefined;
  onSelect: (index: number) => void;
}) {
  const id = useId();
  const total = view.counts?.total ?? 0;
  const index = view.index ?? 0;
  const [failedOnly, setFailedOnly] = useState(false);
  const [typed, setTyped] = useState(String(index + 1));
  useEffect(() => setTyped(String(index + 1)), [index]);
  const loop = { node: loopId, scope: view.scope };
  const current = useQuery({
    ...executionQueries.iterations(executionId, loop, { cursor: index, limit: 1 }),
    enabled: total > 0,
  });
  const shown = current.data?.items.find((item) => item.index === index);
  const failed = useInfiniteQuery({ ...executionQueries.failedIterations(executionId, loop), enabled: failedOnly });
  const failedIndexes = useMemo(
    () => (failed.data?.pages ?? []).flatMap((page) => page.items.map((item) => item.index)),
    [failed.data],
  );

  const move = (direction: 1 | -1) => {
    if (!failedOnly) return onSelect(Math.min(total - 1, Math.max(0, index + direction)));
    const next =
      direction === 1
        ? failedIndexes.find((candidate) => candidate > index)
        : [...failedIndexes].reverse().find((candidate) => candidate < index);
    if (next !== undefined) onSelect(next);
    else if (direction === 1 && failed.hasNextPage) void failed.fetchNextPage();
  };
  const canGo = (direction: 1 | -1) => {
    if (!failedOnly) return direction === 1 ? index < total - 1 : index > 0;
    return direction === 1
      ? failedIndexes.some((candidate) => candidate > index) || failed.hasNextPage
      : failedIndexes.some((candidate) => candidate < index);
  };
  // Turning "failed only" on lands on a failed item, if the one shown is not.
  useEffect(() => {
    if (failedOnly && failedIndexes.length > 0 && !failedIndexes.includes(index)) {
      onSelect(failedIndexes.find((candidate) => candidate > index) ?? (failedIndexes[0] as number));
    }
  }, [failedOnly, failedIndexes, index, onSelect]);

  if (total === 0) return <span className="text-[11px] text-slate-400">No items</span>;
  const status = shown ? statusStyle[shown.status] : undefined;
  const StatusIcon = status?.icon;
  const commit = () => {
    const item = Number(typed);
    if (Number.isInteger(item) && item >= 1 && item <= total) onSelect(item - 1);
    else setTyped(String(index + 1));
  };

  return (
    // The canvas must not take these clicks and keys as a node's: they pick an item.
    <fieldset
      className="nodrag nopan nowheel flex shrink-0 items-center gap-1 rounded-lg border border-slate-200 bg-white px-1.5 py-1 shadow-sm"
      aria-label={`Item of ${loopName}`}
      data-testid={`iteration-picker-${loopId}`}
      onClick={(event) => event.stopPropagation()}
      onKeyDown={(event) => event.stopPropagation()}
      onDoubleClick={(event) => event.stopPropagation()}
    >
      <button
        type="button"
        className={stepButton}
        onClick={() => move(-1)}
        disabled={!canGo(-1)}
        aria-label={failedOnly ? 'Previous failed item' : 'Previous item'}
      >
        <ChevronLeft className="size-4" aria-hidden />
      </button>
      <label htmlFor={id} className="sr-only">
        Item of {loopName}
      </label>
      <input
        id={id}
        inputMode="numeric"
        value={typed}
        onChange={(event) => setTyped(event.target.value.replace(/\D/g, ''))}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
        title="Item number: type one and press Enter"
        className="w-11 rounded border border-slate-200 px-1 py-0.5 text-center text-xs tabular-nums text-slate-900 focus:border-accent-500 focus:outline-none"
      />
      <span className="whitespace-nowrap text-xs text-slate-500 tabular-nums">of {total}</span>
      <button
        type="button"
        className={stepButton}
        onClick={() => move(1)}
        disabled={!canGo(1)}
        aria-label={failedOnly ? 'Next failed item' : 'Next item'}
      >
        <ChevronRight className="size-4" aria-hidden />
      </button>
      {StatusIcon && (
        <span
          title={`Item ${index + 1}: ${status?.label}`}
          className="flex items-center border-l border-slate-200 pl-1.5"
        >
          <StatusIcon
            className={`size-4 ${shown?.status === 'failed' ? 'text-red-600' : shown?.status === 'succeeded' ? 'text-emerald-600' : shown?.status === 'running' ? 'animate-spin text-blue-600' : 'text-slate-400'}`}
            aria-label={`Item ${index + 1}: ${status?.label}`}
          />
        </span>
      )}
      {origin && (
        <span
          className={`ml-1 flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-[11px] font-medium ${origin === 'reused' ? 'bg-sky-50 text-sky-700' : 'bg-emerald-50 text-emerald-700'}`}
          title={
            origin === 'reused'
              ? `Item ${index + 1} did not run again: its steps are reused from the run this one retries`
              : `Item ${index + 1} ran again in this run`
          }
          data-testid="item-origin"
        >
          {origin === 'reused' ? (
            <Recycle className="size-3" aria-hidden />
          ) : (
            <RotateCw className="size-3" aria-hidden />
          )}
          {origin === 'reused' ? 'Reused' : 'Ran again'}
        </span>
      )}
      {(view.counts?.failed ?? 0) > 0 && (
        <button
          type="button"
          aria-pressed={failedOnly}
          onClick={() => setFailedOnly(!failedOnly)}
          title="Step through the failed items only"
          className={`ml-1 flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-[11px] font-medium ${failedOnly ? 'bg-red-600 text-white' : 'bg-red-50 text-red-700 hover:bg-red-100'}`}
        >
          <Filter className="size-3" aria-hidden />
          Failed only
        </button>
      )}
    </fieldset>
  );
}
