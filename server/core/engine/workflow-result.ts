import { TOP_SCOPE } from '../../../nodes/step.ts';
import type { Graph } from '../graph/model.ts';
import { graphOrder } from '../graph/order.ts';

/*
 * What a finished run's result is, defined once (docs/architecture.md, "A run's result"): the
 * webhook's "last node" answer reports it, and sub-workflows will return it.
 */

/** A stored step attempt, as the result names it. */
export interface ResultStep {
  readonly nodeId: string;
  readonly scope: string;
  readonly attempt: number;
}

export type WorkflowResult =
  /** The step that answered the run's webhook (its first Respond to webhook step stored): its output. */
  | { readonly kind: 'respond'; readonly step: ResultStep }
  /** Else the output of the run's last succeeded top-level step in graph order. */
  | { readonly kind: 'last-step'; readonly step: ResultStep }
  /** Nothing succeeded. */
  | { readonly kind: 'none' };

/**
 * A finished run's result: the step that answered its webhook when one did (`answered`, the first
 * Respond to webhook step stored), else its last succeeded top-level step in graph order (steps
 * inside loops are not a run's result: their loop's own output is). Which step, not its output:
 * the caller reads that one output, whole.
 */
export function workflowResult(
  graph: Pick<Graph, 'nodes' | 'edges'>,
  run: { readonly answered?: ResultStep | undefined; readonly succeeded: readonly ResultStep[] },
): WorkflowResult {
  if (run.answered) return { kind: 'respond', step: run.answered };
  const byNode = new Map<string, ResultStep>();
  for (const step of run.succeeded) {
    if (step.scope !== TOP_SCOPE) continue;
    const seen = byNode.get(step.nodeId);
    if (!seen || step.attempt > seen.attempt) byNode.set(step.nodeId, step);
  }
  const order = graphOrder(graph);
  for (let position = order.length - 1; position >= 0; position--) {
    const step = byNode.get(order[position] as string);
    if (step) return { kind: 'last-step', step };
  }
  return { kind: 'none' };
}
