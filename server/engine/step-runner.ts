import { coerceError } from '../../nodes/errors.ts';
import type { StepId } from '../../nodes/step.ts';
import { claimsBeforeRunning, planUnclaimed, runsInline } from '../core/engine/attempt.ts';
import type { CompiledGraph, CompiledNode } from '../core/engine/compile.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import type { GraphCache } from '../core/engine/graph-cache.ts';
import { StepJob, type StepJobSpec, specsFor } from '../core/engine/jobs.ts';
import { iterationIndex, loopScopeOf } from '../core/engine/loops.ts';
import { frameOf, isBodyStart, type PendingStep, parentSteps, stepInput } from '../core/engine/plan.ts';
import {
  type Clock,
  type EngineLog,
  type EventBus,
  type Finished,
  type Metrics,
  noMetrics,
  type Recording,
  type RunForStep,
  type RunStore,
  type StepExecutor,
  type StepQueue,
  type Wait,
} from '../core/engine/ports.ts';
import { hasEnded } from '../core/engine/records.ts';
import { StepReleased } from '../core/engine/released.ts';
import { capErrorText, forDisplay } from './data-caps.ts';
import { withErrorHandling } from './handled-failure.ts';

/** What the step runner works with: the engine's ports (server/core/engine/ports.ts), nothing else. */
export interface StepRunnerPorts {
  readonly runStore: RunStore;
  readonly queue: StepQueue;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly metrics?: Metrics;
  readonly execute: StepExecutor;
  readonly graphs: GraphCache;
  readonly workerId: string;
  readonly log: EngineLog;
  /** True once the worker is told to stop: chains end, and what they would run next gets a job. */
  readonly draining?: () => boolean;
  /**
   * Told, once what led to it is durable, that a run ended (also when a job of a run that had
   * ended runs) or that a step suspended: what waits on either outside the run is resumed (a
   * sub-workflow's calling step: server/engine/subworkflows.ts). Each may be told twice; a throw
   * fails the job, which runs again and tells again.
   */
  readonly onRunEnded?: (executionId: string) => Promise<unknown>;
  readonly onSuspended?: (step: StepId, wait: Wait) => Promise<unknown>;
}

/** How long a step runs before live views are told it is running. */
const RUNNING_EVENT_AFTER_MS = 100;

/**
 * A chain's events for live views are published with the jobs it queues, or at least every this
 * many ms or events, and at its end: each publication must wait for the chain's records to be
 * committed, and a loop's inline chain of 40,000 steps must not commit once per step for them.
 */
const EVENTS_WINDOW_MS = 50;
const EVENTS_PER_PUBLICATION = 500;

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
 * 1. builds its input from the stored outputs of its parents; an action is claimed first (or
 *    found settled, stale, or its run ended) — `RunStore.claim`, decided by
 *    server/core/engine/attempt.ts;
 * 2. runs the node with its context — the `StepExecutor` (step-execute.ts);
 * 3. stores its result exactly once and, in the same transaction, works out what runs next —
 *    `RunStore.finish`, decided by server/core/engine/records.ts.
 * A crash anywhere leaves the job to be retried; every phase is safe to repeat, and the retried
 * job works out again, from what is stored, which of the chain's steps are still to run.
 *
 * The runner reaches the world only through its ports, so the same code runs on SQLite and
 * graphile-worker (server/engine/adapters.ts) and on the in-memory ports of the core's tests.
 */
export function createStepRunner(ports: StepRunnerPorts) {
  const { runStore: runs, queue, clock } = ports;
  const metrics = ports.metrics ?? noMetrics;
  /** Events for live views ride in the next batch; losing one (database down) loses no data. */
  const publish = (event: EngineEvent) =>
    void ports.events
      .publish([event])
      .catch((error: unknown) =>
        ports.log.warn({ error: (error as Error).message }, 'could not publish engine events'),
      );

  /** The steps one job runs: its own, then the pure ones due now that follow from it. */
  class Chain {
    private readonly due: StepId[] = [];
    /** Queueing of the steps that need jobs; the job ends only once they are durably queued. */
    private readonly queued: Promise<void>[] = [];
    /** Events not published yet, and when the chain last published. */
    private readonly events: EngineEvent[] = [];
    private publishedAt = clock.nowMs();
    /** Whether this chain queued step jobs, which a cancel landing meanwhile must find and remove. */
    private queuedJobs = false;

    private readonly execution: RunForStep;
    private readonly graph: CompiledGraph;
    private readonly jobId: string;
    private readonly abortSignal: AbortSignal | undefined;

    constructor(execution: RunForStep, graph: CompiledGraph, jobId: string, abortSignal: AbortSignal | undefined) {
      this.execution = execution;
      this.graph = graph;
      this.jobId = jobId;
      this.abortSignal = abortSignal;
    }

    async run(first: StepId): Promise<void> {
      try {
        let next: StepId | undefined = first;
        while (next) {
          const outcome = await this.step(next, next !== first);
          if (outcome.kind === 'next') this.route(outcome.pending, outcome.events);
          next = this.due.shift();
          if (next && ports.draining?.()) {
            // A stopping worker takes no new step: the rest of the chain goes to the queue.
            this.enqueue(specsFor(this.execution.id, [next, ...this.due.splice(0)]));
            break;
          }
          if (next && !(await this.continues())) {
            // The worker is leaving: the job is handed back undone, and whoever runs it again
            // works out from what is stored which of these steps are still to run.
            if (this.abortSignal?.aborted) throw new StepReleased();
            break;
          }
        }
      } finally {
        if (this.events.length > 0) this.enqueue([], this.events.splice(0));
        // The job completes once this returns: what its chain stored must be durable by then.
        await runs.flush();
        await Promise.all(this.queued);
      }
      // A cancel that landed between a commit and the queueing finds no job to remove: look
      // again, so a canceled run leaves no job behind (invariant "cancel clears the queue").
      if (this.queuedJobs && (await runs.runStatus(this.execution.id)) === 'canceled') {
        await queue.removeQueued(this.execution.id);
      }
    }

    /** Cancel and worker drain are checked between the chain's steps. */
    private async continues(): Promise<boolean> {
      if (this.abortSignal?.aborted) return false;
      return !hasEnded(await runs.runStatus(this.execution.id));
    }

    /** Pure steps due now join the chain; the others are queued (events ride along with them). */
    private route(pending: readonly PendingStep[], events: readonly EngineEvent[] = []): void {
      const jobs: PendingStep[] = [];
      for (const step of pending) {
        const node = this.graph.nodes.get(step.nodeId);
        if (node && runsInline(node.definition, step)) this.due.push({ executionId: this.execution.id, ...step });
        else jobs.push(step);
      }
      this.events.push(...events);
      const now = clock.nowMs();
      const publishEvents =
        this.events.length >= EVENTS_PER_PUBLICATION ||
        (this.events.length > 0 && now - this.publishedAt >= EVENTS_WINDOW_MS);
      if (jobs.length > 0 || publishEvents) {
        this.publishedAt = now;
        this.enqueue(specsFor(this.execution.id, jobs), this.events.splice(0));
      }
      if (ports.onRunEnded && events.some((event) => event.type === 'run' && hasEnded(event.status))) {
        const ended = ports.onRunEnded;
        this.queued.push(runs.flush().then(async () => void (await ended(this.execution.id))));
      }
      if (events.some((event) => event.type === 'run' && event.status === 'failed')) this.reportFailure();
    }

    /**
     * The run failed here: its error workflow, if its graph names one, is started by a job of its
     * own (run-task.ts), queued once the failure is durable; this job completes only after it is.
     */
    reportFailure(): void {
      if (this.graph.settings.errorWorkflowId === undefined) return;
      const executionId = this.execution.id;
      this.queued.push(runs.flush().then(() => queue.addRunJob({ kind: 'run-failed', executionId })));
    }

    /**
     * Queues jobs and events once what led to them is durable: a job must never run ahead of the
     * records it follows from, nor a live view hear of a result a crash could still take back.
     */
    private enqueue(jobs: readonly StepJobSpec[], events: readonly EngineEvent[] = []): void {
      if (jobs.length > 0) this.queuedJobs = true;
      this.queued.push(runs.flush().then(() => queue.add(jobs, events)));
    }

    /** Makes sure what follows a step that is already settled is queued or run (invariant "stale jobs"). */
    private async settle(): Promise<StepOutcome> {
      metrics.count('settled');
      const advance = await runs.settle(this.graph, this.execution.id);
      this.route(advance.pending, advance.events);
      return { kind: 'stop' };
    }

    private async step(step: StepId, inline: boolean): Promise<StepOutcome> {
      const { graph, execution, jobId } = this;
      const node = graph.nodes.get(step.nodeId);
      if (!node) {
        await failRun(execution.id, `node ${step.nodeId} is not in the workflow`);
        return { kind: 'stop' };
      }
      // Inside a loop's body: this iteration's item, read from the loop's waiting step (a stray
      // job of a loop that is no longer waiting only re-advances the run).
      const iteration = node.loop === undefined ? undefined : await this.iterationOf(node, step.scope);
      if (node.loop !== undefined && !iteration) return this.settle();
      // Parents of a ready step are settled and never change, so reading them outside the claim is safe.
      const parents = await runs.parentResults(execution.id, parentSteps(graph, node, step.scope));
      let input: unknown;
      try {
        input =
          iteration && isBodyStart(node)
            ? structuredClone(iteration.item) // the store's copy of the list is not the node's to change
            : stepInput(graph, step, parents.states, (key) => parents.outputs.get(key), execution.triggerPayload);
      } catch {
        // Its inputs are not ready: a stray job; reconciling queues what is due.
        return this.settle();
      }
      const display = forDisplay(input);
      const startedAt = clock.nowIso();
      const runner = { jobId, workerId: ports.workerId, input: display.value, truncated: display.truncated };
      // Checked without a lock; `recordUnclaimed` checks again in the transaction that stores the
      // result. A pure step this chain's own finish just made ready had no record then: it is run
      // without asking again (a duplicate job that stored it meanwhile only wastes the run: its
      // result is dropped, invariant "store once").
      const plan = claimsBeforeRunning(node.definition)
        ? 'claim'
        : inline
          ? 'record'
          : planUnclaimed((await runs.latestAttempt(step)).state, step.attempt);
      if (plan === 'settle') return this.settle();
      let recording: Recording;
      if (plan === 'record') {
        recording = { kind: 'unclaimed', startedAt, ...runner };
      } else {
        // An action, or a pure step whose attempt a job claimed anyway (one written by an earlier Stepwise).
        let claim = await runs.claim({ step, ...runner });
        if (claim.kind === 'duplicate') {
          // Another job holds this attempt. While that job is in the queue (running, or to be retried
          // once its dead worker's lock is released) it owns the attempt; if it has vanished (the
          // queue lost it, e.g. PostgreSQL stopped uncleanly), this job takes the attempt over.
          if (await queue.exists(claim.holder)) {
            metrics.count('claimConflicts');
            return { kind: 'stop' };
          }
          claim = await runs.claim({ step, ...runner, replacing: claim.holder });
        }
        if (claim.kind === 'ended' || claim.kind === 'duplicate') return { kind: 'stop' };
        if (claim.kind === 'settled') return this.settle();
        recording = { kind: 'claimed' };
      }
      metrics.count('steps');
      if (inline) metrics.count('inlineSteps');
      // A final failure its settings handle goes on by a port of its own (handled-failure.ts).
      const result = withErrorHandling(node, input, await this.execute(node, input, step, startedAt, iteration));
      const after: Finished = await runs.finish({ step, graph, node, result, recording });
      if (!after.stored) {
        metrics.count('droppedResults');
        return { kind: 'stop' };
      }
      if (result.status === 'waiting' && ports.onSuspended) {
        const suspended = ports.onSuspended;
        this.queued.push(runs.flush().then(async () => void (await suspended(step, result.wait))));
      }
      return { kind: 'next', pending: after.pending, events: after.events };
    }

    /** The item and index of the iteration a body node's step in `scope` belongs to (its innermost loop's). */
    private async iterationOf(node: CompiledNode, scope: string) {
      const frame = frameOf(this.graph, node, scope);
      const index = iterationIndex(frame.scope);
      const loop = { nodeId: node.loop as string, scope: loopScopeOf(frame.scope) };
      const found = await runs.loopItem(this.execution.id, loop, index);
      return found && { item: found.item, index };
    }

    private async execute(
      node: CompiledNode,
      input: unknown,
      step: StepId,
      startedAt: string,
      iteration: { item: unknown; index: number } | undefined,
    ) {
      // Live views hear that a step runs only when it runs long enough to be seen running: most
      // steps end within milliseconds, and their `succeeded` event follows at once.
      const cancelAnnounce = clock.after(RUNNING_EVENT_AFTER_MS, () =>
        publish({ type: 'step', ...step, status: 'running', at: startedAt }),
      );
      const began = clock.nowMs();
      try {
        return await ports.execute({
          graph: this.graph,
          node,
          input,
          run: this.execution,
          step,
          ...(iteration ? { iteration } : {}),
          signal: this.abortSignal,
        });
      } finally {
        cancelAnnounce();
        metrics.stepDuration(clock.nowMs() - began);
      }
    }
  }

  /** `jobId` is the queue job's id: the claim token that tells a retried job from a duplicate one. */
  return async function runStep(payload: unknown, jobId: string, abortSignal?: AbortSignal): Promise<void> {
    const job = StepJob.parse(payload);
    const execution = await runs.runForStep(job.executionId);
    if (!execution) return;
    if (execution.status === 'failed') {
      // A job run again after its worker died between the failure's commit and the queueing of
      // its report: queued again (keyed; the error workflow starts once per failure, `errorOf`).
      const graph = await ports.graphs.forExecution(execution, (run) => runs.graphSource(run)).catch(() => undefined);
      if (graph?.settings.errorWorkflowId !== undefined)
        await queue.addRunJob({ kind: 'run-failed', executionId: execution.id });
    }
    if (hasEnded(execution.status)) {
      // A stale job, or the retry of the job that ended the run and failed to say so after.
      await ports.onRunEnded?.(execution.id);
      return;
    }
    let graph: CompiledGraph;
    try {
      graph = await ports.graphs.forExecution(execution, (run) => runs.graphSource(run));
    } catch (error) {
      await failRun(execution.id, `the workflow cannot run: ${coerceError(error).message}`);
      return;
    }
    const chain = new Chain(execution, graph, jobId, abortSignal);
    await chain.run(job);
  };

  async function failRun(executionId: string, message: string): Promise<void> {
    if (await runs.failRun(executionId, { message: capErrorText(message) })) {
      publish({ type: 'run', executionId, status: 'failed', at: clock.nowIso() });
      await ports.onRunEnded?.(executionId);
    }
  }
}
