import { type StepRef, TOP_SCOPE } from '../../nodes/step.ts';
import type { CompiledGraph } from '../core/engine/compile.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import type { GraphCache } from '../core/engine/graph-cache.ts';
import { specsFor } from '../core/engine/jobs.ts';
import type { PendingStep } from '../core/engine/plan.ts';
import type {
  Clock,
  EventBus,
  Execution,
  NewExecution,
  Resumption,
  RunStore,
  StepQueue,
  TriggerKind,
  WaitingStep,
} from '../core/engine/ports.ts';
import { AlreadyRetried } from '../core/engine/ports.ts';
import { hasEnded } from '../core/engine/records.ts';
import { capErrorText, checkOutput } from './data-caps.ts';

/** The wired ports plus the store, as the API and the scheduler hold them (server/engine/adapters.ts). */
export type { RunsDeps } from './adapters.ts';

/** What starting, canceling, retrying and resuming runs works with: the engine's ports, nothing else. */
export interface RunsPorts {
  readonly runStore: RunStore;
  /** Runs started in the same moment (a burst of webhooks) are queued in one round trip. */
  readonly jobs: StepQueue;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly graphs: GraphCache;
}

export class RunConflict extends Error {
  override name = 'RunConflict';
  /** What the caller can act on (the retry to retry instead), sent as the 409's details. */
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.details = details;
  }
}

const graphOf = (deps: RunsPorts, run: Pick<Execution, 'id' | 'versionId'>): Promise<CompiledGraph> =>
  deps.graphs.forExecution(run, (ref) => deps.runStore.graphSource(ref));

/**
 * Starts a run: the execution is stored first (so it is never lost), then its trigger step is
 * queued. If the queue cannot take it, the execution is failed with the reason rather than left
 * queued for ever (docs/architecture.md, invariant "execution first").
 */
export async function startRun(
  deps: RunsPorts,
  values: {
    workflowId: string;
    versionId: string | null;
    graph?: unknown;
    trigger: TriggerKind;
    payload: unknown;
    retryOf?: string;
    retryChain?: string;
    /** The user who started it (by hand, a test run or a retry); none for schedules and webhooks. */
    createdBy?: string | null;
    /** For an error workflow's run: the failed run it reports (error-workflow.ts). */
    errorOf?: string;
    alongside?: NewExecution['alongside'];
  },
): Promise<Execution> {
  const execution = await deps.runStore.createExecution({
    ...(values.alongside ? { alongside: values.alongside } : {}),
    createdBy: values.createdBy ?? null,
    workflowId: values.workflowId,
    versionId: values.versionId,
    graph: values.graph,
    trigger: values.trigger,
    triggerPayload: values.payload ?? {},
    retryOf: values.retryOf ?? null,
    retryChain: values.retryChain ?? null,
    ...(values.errorOf ? { errorOf: values.errorOf } : {}),
  });
  await queueOrFail(deps, execution, async (graph) => [
    { nodeId: graph.trigger.node.id, scope: TOP_SCOPE, attempt: 1 },
  ]);
  return execution;
}

/**
 * Queues a new run's first steps and, when its graph caps a run's time, the job that fails it if
 * it is still going then (run-task.ts); a run without a cap costs nothing more.
 */
async function queueOrFail(
  deps: RunsPorts,
  execution: Execution,
  steps: (graph: CompiledGraph) => Promise<PendingStep[]>,
): Promise<void> {
  try {
    const graph = await graphOf(deps, execution);
    const events: EngineEvent[] = [
      { type: 'run', executionId: execution.id, status: 'queued', at: deps.clock.nowIso() },
    ];
    const cap = graph.settings.timeoutSeconds;
    if (cap !== undefined) {
      const runAt = new Date(deps.clock.nowMs() + cap * 1000).toISOString();
      await deps.jobs.addRunJob({ kind: 'time-limit', executionId: execution.id, runAt });
    }
    await deps.jobs.add(specsFor(execution.id, await steps(graph)), events);
  } catch (error) {
    await deps.runStore.failRun(execution.id, {
      message: capErrorText(`could not queue the run: ${(error as Error).message}`),
    });
    throw error;
  }
}

/**
 * Stops scheduling further steps and marks the run canceled; queued steps are dropped
 * (invariant "cancel clears the queue").
 */
export async function cancelRun(deps: RunsPorts, executionId: string): Promise<boolean> {
  if (!(await deps.runStore.cancel(executionId))) return false;
  await deps.jobs.removeQueued(executionId);
  await deps.events.publish([{ type: 'run', executionId, status: 'canceled', at: deps.clock.nowIso() }]);
  return true;
}

/**
 * Completes a suspended step (invariant "suspended steps") and queues what follows it, with its
 * events: how a wait's timer, an approval or a finished sub-workflow resumes the step that waits
 * for it. False when it was not stored: the step was no longer waiting (resumed already,
 * canceled) or its run had ended.
 */
export async function resumeSuspended(deps: RunsPorts, resumption: Resumption): Promise<boolean> {
  const resumed = await deps.runStore.resumeWaiting(resumption);
  if (!resumed.stored) return false;
  await deps.jobs.add(specsFor(resumption.step.executionId, resumed.pending), resumed.events);
  return true;
}

/** How resuming a suspended step by what it waited for went. */
export type StepResumed = 'resumed' | 'not-waiting' | 'ended';

/**
 * Resumes a suspended step of a run by `port` with `output` (capped like any output), when what it
 * waits for arrives: a callback's body, a person's decision, its timer. `accepts` looks at what it
 * waits for first (the kind of wait it must be); `alongside` writes commit with the resumption.
 * `not-waiting`: it does not wait (yet, or any more: resumed already, canceled); `ended`: its run
 * is over. Exactly one of several callers racing for one step gets `resumed` (invariant
 * "suspended steps").
 */
export async function resumeStep(
  deps: RunsPorts,
  step: StepRef,
  outcome: {
    port: string | ((waiting: WaitingStep) => string);
    output: (waiting: WaitingStep) => unknown;
    accepts?: (waiting: WaitingStep) => boolean;
    attempt?: number;
    alongside?: (waiting: WaitingStep) => () => void;
  },
): Promise<StepResumed> {
  const run = await deps.runStore.runForStep(step.executionId);
  if (!run || hasEnded(run.status)) return 'ended';
  const waiting = await deps.runStore.waitingStep(step);
  if (!waiting || (outcome.attempt !== undefined && waiting.attempt !== outcome.attempt)) return 'not-waiting';
  if (outcome.accepts && !outcome.accepts(waiting)) return 'not-waiting';
  const graph = await graphOf(deps, run);
  const node = graph.nodes.get(step.nodeId);
  if (!node) return 'not-waiting';
  const checked = checkOutput(outcome.output(waiting));
  const resumed = await resumeSuspended(deps, {
    step: { ...step, attempt: waiting.attempt },
    graph,
    node,
    result: {
      status: 'succeeded',
      port: typeof outcome.port === 'string' ? outcome.port : outcome.port(waiting),
      output: checked.output,
      ...(checked.truncated ? { truncatedOutput: checked.truncated } : {}),
    },
    ...(outcome.alongside ? { alongside: outcome.alongside(waiting) } : {}),
  });
  if (resumed) return 'resumed';
  return hasEnded(await deps.runStore.runStatus(step.executionId)) ? 'ended' : 'not-waiting';
}

/**
 * Retries an ended run that did not succeed, as a new execution:
 * - `from-failure`: the same version (or draft copy) and payload; steps that succeeded are
 *   copied over, not run again, and the run resumes at the step that failed (invariant "resume
 *   from copies");
 * - `fresh`: the workflow's published version from the start, with the same payload.
 */
export async function retryRun(
  deps: RunsPorts,
  executionId: string,
  mode: 'from-failure' | 'fresh',
  createdBy: string | null = null,
): Promise<Execution> {
  const original = await deps.runStore.getExecution(executionId);
  if (!original) throw new RunConflict(`execution ${executionId} not found`);
  if (original.status !== 'failed' && original.status !== 'canceled') {
    throw new RunConflict(`only a failed or canceled run can be retried; this one is ${original.status}`);
  }
  if (original.trigger === 'test') {
    throw new RunConflict('a test run of the draft is not retried: run the draft again from the editor');
  }
  try {
    return await retryOnce(deps, original, mode, createdBy);
  } catch (error) {
    if (error instanceof AlreadyRetried) throw new RunConflict(error.message, { retriedAs: error.retryId });
    throw error;
  }
}

async function retryOnce(
  deps: RunsPorts,
  original: Execution,
  mode: 'from-failure' | 'fresh',
  createdBy: string | null,
): Promise<Execution> {
  if (mode === 'fresh') {
    const publishedVersionId = await deps.runStore.publishedVersionOf(original.workflowId);
    if (!publishedVersionId) throw new RunConflict('the workflow has no published version to run');
    return startRun(deps, {
      workflowId: original.workflowId,
      versionId: publishedVersionId,
      trigger: 'retry',
      payload: original.triggerPayload,
      retryOf: original.id,
      retryChain: original.retryChain ?? original.id,
      createdBy,
    });
  }
  const graph = await graphOf(deps, original);
  const { execution, pending } = await deps.runStore.resume(original, graph, createdBy);
  await queueOrFail(deps, execution, async () => pending);
  return execution;
}

/**
 * Queues again whatever unfinished runs need, from what is stored: steps that are ready, retries
 * that are due, attempts left running. Run at start-up, it makes the queue whole after anything
 * that lost jobs (PostgreSQL stopped uncleanly, its data reset): the store is the record, the
 * queue can always be derived from it. Jobs that still exist are not duplicated (their keys;
 * invariant "reconcile at start").
 *
 * It pages through the runs in batches and may run while the API serves requests (the server
 * listens first): `upTo` (an execution id, ids sort by creation) leaves out runs started after
 * the reconcile began, which their own request queued; a run canceled or ended meanwhile gets
 * nothing queued (and a step queued just before its run ended is dropped at claim, invariant
 * "cancel clears the queue"). `onBatch` hears the running totals after each batch.
 */
export async function reconcileUnfinishedRuns(
  deps: RunsPorts,
  options: {
    batchSize?: number;
    upTo?: string;
    onBatch?: (progress: ReconcileProgress) => void;
    /** Stops between runs (shutdown); what is left is reconciled at the next start. */
    signal?: AbortSignal;
  } = {},
): Promise<ReconcileProgress> {
  const progress = { executions: 0, jobs: 0 };
  let after: string | undefined;
  for (;;) {
    const batch = (await deps.runStore.unfinishedRuns(options.batchSize ?? 200, after)).filter(
      (id) => options.upTo === undefined || id <= options.upTo,
    );
    if (batch.length === 0) return progress;
    for (const id of batch) {
      if (options.signal?.aborted) return progress;
      const pending = await pendingOf(deps, id);
      if (pending.length > 0) await deps.jobs.add(specsFor(id, pending));
      progress.executions++;
      progress.jobs += pending.length;
    }
    options.onBatch?.({ ...progress });
    after = batch.at(-1);
  }
}

export interface ReconcileProgress {
  executions: number;
  jobs: number;
}

async function pendingOf(deps: RunsPorts, executionId: string): Promise<PendingStep[]> {
  // Canceled (or ended) by a request since the batch was listed: nothing to queue.
  const status = await deps.runStore.runStatus(executionId);
  if (hasEnded(status)) return [];
  const run = await deps.runStore.runForStep(executionId);
  let graph: CompiledGraph;
  try {
    graph = await graphOf(deps, { id: executionId, versionId: run?.versionId ?? null });
  } catch (error) {
    await deps.runStore.failRun(executionId, {
      message: capErrorText(`the workflow cannot run: ${(error as Error).message}`),
    });
    return [];
  }
  return deps.runStore.reconcile(graph, executionId);
}
