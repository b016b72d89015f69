import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { IterationCounts, IterationsPage, LoopAwareStepRun } from '../../api/loop-routes.ts';
import { executionQueries } from '../../api/queries/executions.ts';
import type { ExecutionDetail } from '../../api/types.ts';
import type { NodeTypes } from '../../canvas/node-types.ts';
import { chosenIterations, type LoopFrames, loopFrames, loopsAround, scopeOf, withIteration } from './iterations.ts';
import { attemptsOf } from './steps.ts';

/** What the execution page shows of one loop: its step's scope, how its items went, the item shown. */
export interface LoopView {
  readonly scope: string;
  readonly counts: IterationCounts | undefined;
  /** The item shown (0-based), once known: chosen in the URL, else the first failed one, else the first. */
  readonly index: number | undefined;
}

export interface IterationView {
  readonly frames: LoopFrames;
  /** Each node's latest attempt in the scope it is shown in. */
  readonly latest: ReadonlyMap<string, LoopAwareStepRun>;
  /** Every attempt of a node in the scope it is shown in, newest first. */
  attempts(nodeId: string): LoopAwareStepRun[];
  /** The scope a node is shown in; undefined while a loop around it has no item to show. */
  scopeOf(nodeId: string): string | undefined;
  loop(loopId: string): LoopView | undefined;
  select(loopId: string, index: number): void;
}

/**
 * The execution page's view of loops: which item of each loop frame is shown (the URL's choice,
 * else the first failed item, else the first), and the steps of those items, each scope fetched
 * once (`GET /executions/:id/steps?scope=`). What is read comes from the query cache and what is
 * needed is subscribed to, so as answers arrive (an outer item's steps, then the loop inside it)
 * the view resolves further, level by level.
 */
export function useIterationView(execution: ExecutionDetail, types: NodeTypes | undefined): IterationView {
  const [params, setParams] = useSearchParams();
  const client = useQueryClient();
  const graph = execution.graph;
  const frames = useMemo(
    () => loopFrames(graph ?? { nodes: [], edges: [] }, (type) => types?.offers(type, 'loop-frame') ?? false),
    [graph, types],
  );
  const explicit = useMemo(() => chosenIterations(params, frames), [params, frames]);

  const stepsIn = (scope: string): LoopAwareStepRun[] | undefined =>
    scope === '' ? execution.steps : client.getQueryData(executionQueries.steps(execution.id, scope).queryKey)?.steps;

  // Outer loops first: an inner loop's scope is known once the outer item is.
  const chosen = new Map<string, number>();
  const loops = new Map<string, LoopView>();
  const needed: Array<ReturnType<typeof executionQueries.steps> | ReturnType<typeof executionQueries.iterations>> = [];
  const ordered = [...frames.loops].sort((a, b) => loopsAround(a, frames).length - loopsAround(b, frames).length);
  for (const loop of ordered) {
    const scope = scopeOf(loop, frames, chosen);
    if (scope === undefined) continue;
    const steps = stepsIn(scope);
    const step = steps && attemptsOf(steps, loop).find((candidate) => candidate.scope === scope);
    const counts = step?.iterations;
    let index = explicit.get(loop);
    if (index === undefined && counts && counts.total > 0) {
      if (counts.failed === 0) index = 0;
      else {
        const firstFailed = executionQueries.iterations(
          execution.id,
          { node: loop, scope },
          { status: 'failed', limit: 1 },
        );
        needed.push(firstFailed);
        const page: IterationsPage | undefined = client.getQueryData(firstFailed.queryKey);
        if (page) index = page.items[0]?.index ?? 0;
      }
    }
    if (index !== undefined) chosen.set(loop, index);
    loops.set(loop, { scope, counts, index });
  }
  const scopes = new Set<string>();
  for (const node of graph?.nodes ?? []) {
    const scope = scopeOf(node.id, frames, chosen);
    if (scope) scopes.add(scope);
  }
  for (const scope of scopes) needed.push(executionQueries.steps(execution.id, scope));
  // Subscribed, so the page draws again as each answer lands (and the live stream refreshes them).
  const answers = useQueries({ queries: needed as Parameters<typeof useQueries>[0]['queries'] });
  const settledKey = answers.map((answer) => answer.dataUpdatedAt).join();

  const chosenKey = [...chosen].join(';');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `settledKey` and `chosenKey` stand for the cache reads above
  const latest = useMemo(() => {
    const map = new Map<string, LoopAwareStepRun>();
    for (const node of graph?.nodes ?? []) {
      const scope = scopeOf(node.id, frames, chosen);
      const steps = scope === undefined ? undefined : stepsIn(scope);
      const newest = steps && attemptsOf(steps, node.id).find((step) => step.scope === scope);
      if (newest) map.set(node.id, newest);
    }
    return map;
  }, [execution.steps, graph, frames, settledKey, chosenKey]);

  const select = useCallback(
    (loopId: string, index: number) => setParams(withIteration(params, frames, loopId, index), { replace: true }),
    [params, frames, setParams],
  );

  return {
    frames,
    latest,
    attempts(nodeId) {
      const scope = scopeOf(nodeId, frames, chosen);
      const steps = scope === undefined ? undefined : stepsIn(scope);
      return steps ? attemptsOf(steps, nodeId).filter((step) => step.scope === scope) : [];
    },
    scopeOf: (nodeId) => scopeOf(nodeId, frames, chosen),
    loop: (loopId) => loops.get(loopId),
    select,
  };
}
