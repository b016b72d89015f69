import type { Execution, RunError } from './ports.ts';

/*
 * What an error workflow's run (trigger `trigger.error`) receives: the failed run's workflow, a
 * link to it, the step that failed and its error. Built by the engine for a real failure
 * (server/engine/error-workflow.ts) and by the API for "Send a test error", in one shape.
 */

/** What an error workflow's run receives as its trigger payload. */
export interface ErrorPayload {
  readonly workflow: { readonly id: string; readonly name: string };
  readonly execution: { readonly id: string; readonly url: string; readonly retryOf: string | null };
  /** The step that failed; absent when the run failed outside a step (its time limit, a graph that cannot run). */
  readonly failedStep?: { readonly nodeId: string; readonly name: string };
  readonly error: { readonly message: string };
  /** Set on a sample sent by "Send a test error": nothing failed. */
  readonly test?: true;
}

/** Where people read an execution: `<public URL>/executions/<id>`, or the path alone. */
export const executionUrl = (publicUrl: string | undefined, executionId: string) =>
  `${publicUrl ?? ''}/executions/${executionId}`;

/** The payload of a failed run. */
export function errorPayload(
  run: Pick<Execution, 'id' | 'retryOf'> & { readonly error: unknown },
  workflow: { readonly id: string; readonly name: string },
  publicUrl: string | undefined,
): ErrorPayload {
  const error = (run.error ?? {}) as Partial<RunError>;
  return {
    workflow: { id: workflow.id, name: workflow.name },
    execution: { id: run.id, url: executionUrl(publicUrl, run.id), retryOf: run.retryOf },
    ...(error.nodeId ? { failedStep: { nodeId: error.nodeId, name: error.nodeName ?? error.nodeId } } : {}),
    error: { message: typeof error.message === 'string' ? error.message : 'the run failed' },
  };
}

/** The sample "Send a test error" sends: shaped as a real one, marked `test`, about no real run. */
export function testErrorPayload(workflow: { readonly id: string; readonly name: string }, publicUrl?: string) {
  const sample = errorPayload(
    {
      id: 'test-execution',
      retryOf: null,
      error: { message: 'This is a test error from "Send a test error"', nodeId: 'test-node', nodeName: 'Test step' },
    },
    workflow,
    publicUrl,
  );
  return { ...sample, test: true as const };
}
