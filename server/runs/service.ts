import type { StepRef } from '../../nodes/step.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import type { EventHub } from '../engine/event-hub.ts';
import { RunConflict, type RunsDeps, resumeStep, retryRun, type StepResumed, startRun } from '../engine/runs.ts';
import { cancelRunWithChildren } from '../engine/subworkflows.ts';

export { RunConflict };

type Listener = (event: EngineEvent) => void;

/**
 * What the API may do with runs, in one place: start, cancel and retry them, and hear how they
 * go. Routes reach the engine only through this, so its queue, store and graph cache stay its own.
 */
export interface RunService {
  start(values: Parameters<typeof startRun>[1]): ReturnType<typeof startRun>;
  /** False when the run had already ended (or does not exist). Its sub-workflow runs are canceled with it. */
  cancel(executionId: string): Promise<boolean>;
  /** Throws RunConflict when the run cannot be retried that way. */
  retry(
    executionId: string,
    mode: Parameters<typeof retryRun>[2],
    createdBy: string | null,
  ): ReturnType<typeof retryRun>;
  /**
   * Resumes a suspended step when what it waits for arrives (a callback, a decision): a guarded
   * store transition and the queueing of what follows, nothing runs here (`resumeStep`).
   */
  resume(step: StepRef, outcome: Parameters<typeof resumeStep>[2]): Promise<StepResumed>;
  /** Events of one execution, as they happen; returns the unsubscribe. */
  subscribe(executionId: string, listener: Listener): () => void;
  /** Events of every execution. */
  subscribeAll(listener: Listener): () => void;
}

export function createRunService(runs: RunsDeps, events: Pick<EventHub, 'subscribe' | 'subscribeAll'>): RunService {
  return {
    start: (values) => startRun(runs, values),
    cancel: (executionId) => cancelRunWithChildren(runs, executionId),
    retry: (executionId, mode, createdBy) => retryRun(runs, executionId, mode, createdBy),
    resume: (step, outcome) => resumeStep(runs, step, outcome),
    subscribe: (executionId, listener) => events.subscribe(executionId, listener),
    subscribeAll: (listener) => events.subscribeAll(listener),
  };
}
