import type Database from 'better-sqlite3';
import type { StepId } from '../../nodes/step.ts';
import type { CompiledGraph, CompiledNode } from '../core/engine/compile.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import type { PendingStep } from '../core/engine/plan.ts';
import { finishExecution } from '../store/executions.ts';
import type { StepResult } from '../store/steps.ts';
import { advanceExecution } from './advance.ts';

/** A step that has run, on its way to being stored. */
export interface Finish {
  readonly step: StepId;
  readonly graph: CompiledGraph;
  readonly node: CompiledNode;
  readonly result: StepResult;
  /** Stores the result; false when it must not be stored. */
  readonly record: (result: StepResult) => boolean;
}

export interface Finished {
  readonly pending: PendingStep[];
  readonly events: EngineEvent[];
  /** False when the result was not stored (its run ended meanwhile, or another job stored it first). */
  readonly stored: boolean;
}

/**
 * Stores a step's result and works out what runs next, in one transaction: a retry when it failed
 * with one to come, the run's end when it failed for good, else what its success made ready.
 */
export function finishStep(sqlite: Database.Database, { step, graph, node, result, record }: Finish): Finished {
  const at = new Date().toISOString();
  const event = (status: 'succeeded' | 'failed' | 'retrying'): EngineEvent => ({ type: 'step', ...step, status, at });
  // Not stored when a claimed attempt is no longer running: its run was canceled meanwhile. (A
  // run failed by another branch still records a claimed result; advancing it queues nothing.)
  if (!record(result)) return { pending: [], events: [], stored: false };
  if (result.status === 'failed' && result.retryAt) {
    return {
      pending: [{ nodeId: step.nodeId, scope: step.scope, attempt: step.attempt + 1, runAt: result.retryAt }],
      events: [event('retrying')],
      stored: true,
    };
  }
  if (result.status === 'failed') {
    const events = [event('failed')];
    const message = (result.error as { message?: string }).message ?? 'failed';
    // The guarded run end (invariant "one end"): only a run that has not ended yet ends here.
    if (
      finishExecution(sqlite, step.executionId, 'failed', { nodeId: step.nodeId, nodeName: node.node.name, message })
    ) {
      events.push({ type: 'run', executionId: step.executionId, status: 'failed', at });
    }
    return { pending: [], events, stored: true };
  }
  const advance = advanceExecution(sqlite, graph, step.executionId, step);
  return { pending: advance.pending, events: [event('succeeded'), ...advance.events], stored: true };
}
