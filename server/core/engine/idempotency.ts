import type { StepRef } from '../../../nodes/step.ts';

/**
 * The key an action gives the outside world for a step (an HTTP `Idempotency-Key`): the same for
 * every attempt and for every retry of the run (it comes from the retry chain's first execution),
 * different per node and per loop iteration, so a receiver can tell a repeat from a new request.
 * A top-level step's key is `<first execution>:<node>`, as before steps had scopes.
 */
export function idempotencyKey(execution: { id: string; retryChain: string | null }, step: StepRef): string {
  const base = `${execution.retryChain ?? execution.id}:${step.nodeId}`;
  return step.scope === '' ? base : `${base}:${step.scope}`;
}
