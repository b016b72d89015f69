import type pg from 'pg';
import { coerceError } from '../../nodes/errors.ts';
import type { StepId } from '../../nodes/step.ts';
import { claimsBeforeRunning, runsInline } from '../core/engine/attempt.ts';
import type { CompiledGraph, CompiledNode } from '../core/engine/compile.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import { type PendingStep, parentSteps, stepInput } from '../core/engine/plan.ts';
import type { Logger } from '../log.ts';
import type { SandboxPool } from '../sandbox/pool.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { Store } from '../store/db.ts';
import {
  type ExecutionForStep,
  finishExecution,
  getExecutionForStep,
  getExecutionStatus,
  TERMINAL_STATUSES,
} from '../store/executions.ts';
import { immediate } from '../store/prepared.ts';
import { finishStepRun, latestResults, type StepResult } from '../store/steps.ts';
import { WriteBatcher } from '../store/write-batcher.ts';
import { advanceExecution } from './advance.ts';
import { authenticatedHttp } from './authenticated-http.ts';
import { forDisplay } from './data-caps.ts';
import { StepReleased } from './drain.ts';
import type { GraphCache } from './graphs.ts';
import { sendHttp } from './http.ts';
import { jobExists, removeQueuedSteps, StepJob, StepJobBatcher, specsFor } from './queue.ts';
import { attemptStatusOf, claimStep, recordUnclaimed } from './step-claim.ts';
import { createStepExecutor } from './step-execute.ts';
import { type Finish, type Finished, finishStep } from './step-finish.ts';

export interface StepRunnerDeps {
  readonly store: Store;
  readonly pgPool: pg.Pool;
  readonly sandbox: SandboxPool;
  readonly graphs: GraphCache;
  readonly workerId: string;
  readonly log: Logger;
  readonly sendHttp?: typeof sendHttp;
  /** Opens the credentials HTTP requests authenticate with. */
  readonly masterKey: MasterKey;
  readonly random?: () => number;
  /** True once the worker is told to stop: chains end, and what they would run next gets a job. */
  readonly draining?: () => boolean;
}

/** How long a step runs before live views are told it is running. */
const RUNNING_EVENT_AFTER_MS = 100;

/** Where one step of a job's chain stands once it has been dealt with. */
type StepOutcome =
  | { readonly kind: 'stop' }
  | { readonly kind: 'next'; readonly pending: PendingStep[]; readonly events: EngineEvent[] };

/**
 * The one graphile-worker task. A job runs one step (the engine's rules: docs/architecture.md,
 * "Engine invariants"), then, inline, the chain of pure steps that step made ready and that are
 * due now (conditions, transforms, merges, delays): no queue round trip for steps with no effect
 * outside their stored result. Steps that need a job of their own (actions, anything due later)
 * are queued as the chain meets them. Each step of the chain:
 * 1. builds its input from the stored outputs of its parents; an action is claimed in SQLite
 *    first (or found settled, stale, or its run ended) — step-claim.ts;
 * 2. runs the node with its context — step-execute.ts;
 * 3. stores its result exactly once and, in the same transaction, works out what runs next —
 *    step-finish.ts (results of steps ending in the same turn share one commit).
 * A crash anywhere leaves the job to be retried; every phase is safe to repeat, and the retried
 * job works out again, from what is stored, which of the chain's steps are still to run.
 */
export function createStepRunner(deps: StepRunnerDeps) {
  const sqlite = deps.store.sqlite;
  const queue = new StepJobBatcher(deps.pgPool);
  const execute = createStepExecutor({
    sqlite,
    sandbox: deps.sandbox,
    http: authenticatedHttp(deps.sendHttp ?? sendHttp, sqlite, deps.masterKey),
    log: deps.log,
    ...(deps.random ? { random: deps.random } : {}),
  });
  // Steps that end in the same turn of the event loop store their results in one commit (each in
  // its own savepoint): under load, one SQLite write lock and one WAL write for many steps.
  const finishes = new WriteBatcher(sqlite, (finish: Finish) => finishStep(sqlite, finish));
  /** Events for live views ride in the next batch; losing one (database down) loses no data. */
  const publish = (event: EngineEvent) =>
    void queue
      .add([], [event])
      .catch((error: unknown) => deps.log.warn({ error: (error as Error).message }, 'could not publish engine events'));

  /** The steps one job runs: its own, then the pure ones due now that follow from it. */
  class Chain {
    private readonly due: StepId[] = [];
    /** Queueing of the steps that need jobs; the job ends only once they are durably queued. */
    private readonly queued: Promise<void>[] = [];

    private readonly execution: ExecutionForStep;
    private readonly graph: CompiledGraph;
    private readonly jobId: string;
    private readonly abortSignal: AbortSignal | undefined;

    constructor(
      execution: ExecutionForStep,
      graph: CompiledGraph,
      jobId: string,
      abortSignal: AbortSignal | undefined,
    ) {
      this.execution = execution;
      this.graph = graph;
      this.jobId = jobId;
      this.abortSignal = abortSignal;
    }

    async run(first: StepId): Promise<void> {
      try {
        let next: StepId | undefined = first;
        while (next) {
          const outcome = await this.step(next);
          if (outcome.kind === 'next') this.route(outcome.pending, outcome.events);
          next = this.due.shift();
          if (next && deps.draining?.()) {
            // A stopping worker takes no new step: the rest of the chain goes to the queue.
            this.queued.push(queue.add(specsFor(this.execution.id, [next, ...this.due.splice(0)])));
            break;
          }
          if (next && !this.continues()) {
            // The worker is leaving: the job is handed back undone, and whoever runs it again
            // works out from what is stored which of these steps are still to run.
            if (this.abortSignal?.aborted) throw new StepReleased();
            break;
          }
        }
      } finally {
        await Promise.all(this.queued);
      }
      // A cancel that landed between a commit and the queueing finds no job to remove: look
      // again, so a canceled run leaves no job behind (a delay's successor could wait days).
      if (this.queued.length > 0 && getExecutionStatus(sqlite, this.execution.id) === 'canceled') {
        await removeQueuedSteps(deps.pgPool, this.execution.id);
      }
    }

    /** Cancel and worker drain are checked between the chain's steps. */
    private continues(): boolean {
      if (this.abortSignal?.aborted) return false;
      const status = getExecutionStatus(sqlite, this.execution.id);
      return status !== undefined && !TERMINAL_STATUSES.includes(status);
    }

    /** Pure steps due now join the chain; the others are queued (events ride along with them). */
    private route(pending: readonly PendingStep[], events: readonly EngineEvent[] = []): void {
      const jobs: PendingStep[] = [];
      for (const step of pending) {
        const node = this.graph.nodes.get(step.nodeId);
        if (node && runsInline(node.definition, step)) this.due.push({ executionId: this.execution.id, ...step });
        else jobs.push(step);
      }
      if (jobs.length > 0 || events.length > 0) this.queued.push(queue.add(specsFor(this.execution.id, jobs), events));
    }

    /** Makes sure what follows a step that is already settled is queued or run (idempotent). */
    private settle(): StepOutcome {
      const advance = immediate(sqlite, () => advanceExecution(sqlite, this.graph, this.execution.id));
      this.route(advance.pending, advance.events);
      return { kind: 'stop' };
    }

    private async step(step: StepId): Promise<StepOutcome> {
      const { graph, execution, jobId } = this;
      const node = graph.nodes.get(step.nodeId);
      if (!node) {
        await failRun(execution.id, `node ${step.nodeId} is not in the workflow`);
        return { kind: 'stop' };
      }
      // Parents of a ready step are settled and never change, so reading them outside the claim is safe.
      const parents = latestResults(sqlite, execution.id, parentSteps(graph, node, step.scope));
      let input: unknown;
      try {
        input = stepInput(graph, step, parents.states, (key) => parents.outputs.get(key), execution.triggerPayload);
      } catch {
        // Its inputs are not ready: a stray job; reconciling queues what is due.
        return this.settle();
      }
      const display = forDisplay(input);
      const startedAt = new Date().toISOString();
      // Checked without a lock; `recordUnclaimed` checks again in the transaction that stores the result.
      const found = claimsBeforeRunning(node.definition) ? 'claim' : attemptStatusOf(sqlite, step);
      if (found === 'settled') return this.settle();
      let record: (result: StepResult) => boolean;
      if (found === 'new') {
        record = (result) =>
          recordUnclaimed(sqlite, { step, jobId, workerId: deps.workerId, display, startedAt }, result);
      } else {
        // An action, or a pure step whose attempt a job claimed anyway (one written by an earlier Stepwise).
        const claimArgs = { step, jobId, workerId: deps.workerId, display };
        let claim = claimStep(sqlite, claimArgs);
        if (claim.kind === 'duplicate') {
          // Another job holds this attempt. While that job is in the queue (running, or to be retried
          // once its dead worker's lock is released) it owns the attempt; if it has vanished (the
          // queue lost it, e.g. PostgreSQL stopped uncleanly), this job takes the attempt over.
          if (await jobExists(deps.pgPool, claim.holder)) return { kind: 'stop' };
          claim = claimStep(sqlite, { ...claimArgs, replacing: claim.holder });
        }
        if (claim.kind === 'ended' || claim.kind === 'duplicate') return { kind: 'stop' };
        if (claim.kind === 'settled') return this.settle();
        record = (result) => finishStepRun(sqlite, step, result);
      }
      const result = await this.execute(node, input, step, startedAt);
      const after: Finished = await finishes.add({ step, graph, node, result, record });
      return after.stored ? { kind: 'next', pending: after.pending, events: after.events } : { kind: 'stop' };
    }

    private async execute(node: CompiledNode, input: unknown, step: StepId, startedAt: string): Promise<StepResult> {
      // Live views hear that a step runs only when it runs long enough to be seen running: most
      // steps end within milliseconds, and their `succeeded` event follows at once.
      const announceRunning = setTimeout(
        () => publish({ type: 'step', ...step, status: 'running', at: startedAt }),
        RUNNING_EVENT_AFTER_MS,
      );
      try {
        return await execute(this.graph, node, input, this.execution, step, this.abortSignal);
      } finally {
        clearTimeout(announceRunning);
      }
    }
  }

  /** `jobId` is the queue job's id: the claim token that tells a retried job from a duplicate one. */
  return async function runStep(payload: unknown, jobId: string, abortSignal?: AbortSignal): Promise<void> {
    const job = StepJob.parse(payload);
    const execution = getExecutionForStep(sqlite, job.executionId);
    if (!execution || TERMINAL_STATUSES.includes(execution.status)) return;
    let graph: CompiledGraph;
    try {
      graph = deps.graphs.forExecution(deps.store, execution);
    } catch (error) {
      await failRun(execution.id, `the workflow cannot run: ${coerceError(error).message}`);
      return;
    }
    const chain = new Chain(execution, graph, jobId, abortSignal);
    await chain.run(job);
  };

  async function failRun(executionId: string, message: string): Promise<void> {
    if (finishExecution(sqlite, executionId, 'failed', { message })) {
      publish({ type: 'run', executionId, status: 'failed', at: new Date().toISOString() });
    }
  }
}
