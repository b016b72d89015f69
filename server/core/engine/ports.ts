/**
 * The engine's ports: everything the step runner (server/engine/step-runner.ts) and the run
 * service (server/engine/runs.ts) need of the world, as interfaces. Types only; the adapters live
 * elsewhere and are wired in server/engine/adapters.ts (runs) and worker-step-runner.ts (a worker):
 *
 * | port          | production adapter                                          | for tests only |
 * | ------------- | ----------------------------------------------------------- | -------------- |
 * | `RunStore`    | `SqliteRunStore` (server/store/run-store.ts)                 | `MemoryRunStore` |
 * | `StepQueue`   | `StepJobBatcher` on graphile-worker (server/engine/queue.ts) | `MemoryStepQueue` |
 * | `EventBus`    | `PgEventBus`: NOTIFY out, `EventHub` in (server/engine/pg-ports.ts) | `MemoryEventBus` |
 * | `Clock`       | `systemClock` (server/engine/adapters.ts)                    | `ManualClock` |
 * | `Metrics`     | `noMetrics` (below)                                          | `CountingMetrics` |
 * | `StepExecutor`| `createStepExecutor`: isolates, HTTP (server/engine/step-execute.ts) | `scriptedExecutor` |
 *
 * The in-memory ones are in server/core/engine/testing/memory-ports.ts.
 *
 * Glossary (the words as the engine uses them): an *execution* (a run) is one run of a workflow
 * version; a *step* is one node in one scope of it, and an *attempt* one try of a step
 * (nodes/step.ts); a *job* is the queue's unit of work, one step attempt; a *claim* is an action's
 * attempt marked `running` under the job that runs it before it runs; *settling* re-advances a run
 * from what is stored; a run *ends* once (`succeeded`, `failed` or `canceled`).
 *
 * Each `RunStore` method is one atomic operation (one transaction in SQLite): the guards of
 * docs/architecture.md ("Engine invariants") hold inside it, so a caller never composes two of
 * them into one decision.
 */
import type { StepId, StepKey, StepRef } from '../../../nodes/step.ts';
import type { ClaimDecision } from './attempt.ts';
import type { CompiledGraph, CompiledNode } from './compile.ts';
import type { EngineEvent } from './events.ts';
import type { RunJob, StepJobSpec } from './jobs.ts';
import type { PendingStep, PlannedStep, StepState } from './plan.ts';
import type { ResultStep } from './workflow-result.ts';

/**
 * `waiting`: not ended, but every step still unfinished is suspended (a wait, an approval, a
 * sub-workflow): the run holds no job and no worker until something resumes one of them.
 */
export type ExecutionStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'canceled';
/**
 * `error`: a run of an error workflow, started by another workflow's failed run (or a test error).
 * `subworkflow`: a run started by another run's `flow.subworkflow` step.
 */
export type TriggerKind = 'manual' | 'schedule' | 'webhook' | 'retry' | 'test' | 'error' | 'subworkflow';

/** An execution as stored (the `executions` row). */
export interface Execution {
  readonly id: string;
  readonly workflowId: string;
  /** The exact version run; null for a test run of the draft, which keeps `graph` instead. */
  readonly versionId: string | null;
  readonly graph: unknown;
  readonly trigger: TriggerKind;
  readonly triggerPayload: unknown;
  readonly status: ExecutionStatus;
  readonly error: unknown;
  readonly retryOf: string | null;
  /** The first execution of its retry chain (null in rows older than the column: itself). */
  readonly retryChain: string | null;
  /** For a run of an error workflow: the failed run it reports. */
  readonly errorOf: string | null;
  /**
   * The workspace variables the run reads (`vars` in expressions and scripts), name → value, as
   * they were when it was created (null in runs older than them: none). Never read again from
   * the variables themselves, so every step of a run sees the same values.
   */
  readonly vars: Readonly<Record<string, string>> | null;
  readonly createdBy: string | null;
  /**
   * A sub-workflow run (trigger `subworkflow`): the step attempt of its parent run that called it
   * and waits for it (server/engine/subworkflows.ts). All null for a run nobody called.
   */
  readonly parentExecutionId: string | null;
  readonly parentNodeId: string | null;
  readonly parentScope: string | null;
  readonly parentAttempt: number | null;
  /** Sub-workflow calls above this run: 0 for a run nobody called (the depth limit counts these). */
  readonly callDepth: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** The step attempt of a parent run that starts a sub-workflow run and waits for it. */
export interface ParentStep extends StepId {
  /** The parent run's depth + 1. */
  readonly callDepth: number;
}

/** What a step needs of its execution: no graph copy (compiled graphs are cached), no error. */
export type RunForStep = Pick<
  Execution,
  'id' | 'workflowId' | 'versionId' | 'status' | 'triggerPayload' | 'retryChain' | 'vars'
>;

/** What names the graph a run runs: its version, or (none) the run's own copy of a draft. */
export type RunGraphRef = Pick<Execution, 'id' | 'versionId'>;

/** What an attempt produced: the port it leaves by and its output, or its error with the retry it earns. */
export type StepResult = (
  | {
      status: 'succeeded';
      output: unknown;
      /** The marker stored for people instead of an output over the size cap (kept whole beside it). */
      truncatedOutput?: unknown;
      port: string;
      continueAt?: string;
    }
  | {
      status: 'failed';
      error: unknown;
      retryAt?: string;
      /**
       * Set when the node's settings handle this final failure (`onError`: `continue` or
       * `error-port`): the attempt is stored failed and marked handled, and the run goes on from it
       * as from a success, by `port` with `output` (error-handling.ts).
       */
      handled?: HandledFailure;
    }
  | {
      /** Suspended: stored `waiting` until `RunStore.resumeWaiting` completes it (invariant "suspended steps"). */
      status: 'waiting';
      /** What it waits for, stored with it for whatever resumes it. */
      wait: Wait;
      /** What it has produced so far, kept for what resumes it (a loop: its items). */
      output?: unknown;
      truncatedOutput?: unknown;
    }
) & {
  /**
   * The request an action sent (method, URL, headers, body), secrets masked and capped for people:
   * stored beside the output, never part of it, so later steps see exactly what they saw before.
   */
  request?: unknown;
};

/** How a handled failure leaves its node: by which port, with which output (capped like any output). */
export interface HandledFailure {
  readonly port: string;
  readonly output: unknown;
  /** The marker stored for people instead of an output over the size cap. */
  readonly truncatedOutput?: unknown;
}

/**
 * What a suspended step waits for, stored as JSON with it (`step_runs.wait`): `kind` says who
 * resumes it (`loop`: its iterations, server/core/engine/loops.ts); the rest is that kind's own.
 */
export interface Wait {
  readonly kind: string;
  /**
   * Set when time resumes it (a wait until a time, or a timeout): a timer job due `at`
   * (`server/engine/wait-timers.ts`) completes it by `port` with its stored output, `merge`d in
   * when both are objects, unless something resumed it first.
   */
  readonly timer?: WaitTimer;
  readonly [detail: string]: unknown;
}

export interface WaitTimer {
  readonly at: string;
  readonly port: string;
  readonly merge?: Readonly<Record<string, unknown>>;
}

/** A suspended attempt as stored: what it waits for and the output it keeps for its resumption. */
export interface WaitingStep {
  readonly attempt: number;
  readonly wait: Wait;
  /** Its stored output, whole (also when the one shown is capped). */
  readonly output: unknown;
}

/** Why a run failed, as stored in `executions.error`. */
export interface RunError {
  readonly message: string;
  readonly nodeId?: string;
  readonly nodeName?: string;
}

/** The latest stored attempt of a step as the engine's state, with the job that claimed it. */
export interface StoredAttempt {
  readonly state: StepState | undefined;
  readonly holder: string | null | undefined;
}

/** The states and outputs of a step's parents (latest attempts), keyed by step. */
export interface ParentResults {
  readonly states: Map<StepKey, StepState>;
  readonly outputs: Map<StepKey, unknown>;
}

/** Who runs an attempt, and the input it runs with (capped for display). */
export interface AttemptRun {
  readonly jobId: string;
  readonly workerId: string;
  /** The input as people see it (a marker when over the display cap). */
  readonly input: unknown;
  readonly truncated: boolean;
}

/** A claim on an action's attempt, made before it runs. */
export interface Claim extends AttemptRun {
  readonly step: StepId;
  /** A vanished job whose claim this job may take over (invariant "vanished job takeover"). */
  readonly replacing?: string;
}

/**
 * How a result is stored: over the attempt's claim, as a new row (a pure step, never claimed), or
 * over the attempt's `waiting` row (a suspended step resumed).
 */
export type Recording =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'waiting' }
  | ({ readonly kind: 'unclaimed'; readonly startedAt: string } & AttemptRun);

/** A step that has run, on its way to being stored. */
export interface Finish {
  readonly step: StepId;
  readonly graph: CompiledGraph;
  readonly node: CompiledNode;
  readonly result: StepResult;
  readonly recording: Recording;
}

/** A suspended step's result, on its way to complete it. */
export type Resumption = Omit<Finish, 'recording'> & {
  readonly result: Exclude<StepResult, { status: 'waiting' }>;
  /**
   * Writes that commit with the resumption, run only when it is stored (who decided an approval):
   * throwing undoes it.
   */
  readonly alongside?: () => void;
};

/** What runs next after a run advanced: steps to queue or run, and events for live views. */
export interface Advance {
  readonly pending: PendingStep[];
  readonly events: EngineEvent[];
}

export interface Finished extends Advance {
  /** False when the result was not stored (its run ended meanwhile, or another job stored it first). */
  readonly stored: boolean;
}

/**
 * A run is retried at most once: its retry carries the chain on (retry the retry). Raised by the
 * store when a retry of an already retried run is asked, atomically with the insert, so two
 * retries asked at once cannot both start.
 */
export class AlreadyRetried extends Error {
  override name = 'AlreadyRetried';
  readonly retryId: string;
  constructor(originalId: string, retryId: string) {
    super(`execution ${originalId} was already retried as ${retryId}; retry that run instead`);
    this.retryId = retryId;
  }
}

/** A failed run's error workflow was started already (one error run per failure: `errorOf` is unique). */
export class AlreadyReported extends Error {
  override name = 'AlreadyReported';
}

/** A run to store. */
export interface NewExecution {
  readonly workflowId: string;
  readonly versionId: string | null;
  readonly graph?: unknown;
  readonly trigger: TriggerKind;
  readonly triggerPayload: unknown;
  readonly retryOf?: string | null;
  /** The first execution of the retry chain this one continues; a first run starts its own. */
  readonly retryChain?: string | null;
  /** For an error workflow's run: the failed run it reports (one error run per failure). */
  readonly errorOf?: string | null;
  /**
   * The workspace variables it runs with: given for a retry that resumes a run (the run's own);
   * a sub-workflow run takes its caller's; left out, the store reads their current values in the
   * insert's transaction (invariant "variables read once").
   */
  readonly vars?: Readonly<Record<string, string>> | null;
  readonly createdBy?: string | null;
  /** For a sub-workflow run: the step that calls it (at most one run per step attempt). */
  readonly parent?: ParentStep;
  /**
   * Writes that must commit with the execution or not at all (a schedule slot's claim, a webhook
   * delivery's idempotency key): run in the insert's transaction, and throwing undoes the insert
   * (invariant "one run per fire").
   */
  readonly alongside?: (execution: Execution) => void;
}

/**
 * The record of runs and their steps. Reads are without a lock unless said; every write is one
 * atomic operation that keeps the named invariants.
 */
export interface RunStore {
  // ---- what a step job needs (step-runner.ts)
  /** The run a step belongs to; undefined when it is gone (deleted by retention). */
  runForStep(executionId: string): Promise<RunForStep | undefined>;
  /** The graph a run runs, as stored: `unknown` until compiled. Undefined when there is none. */
  graphSource(run: RunGraphRef): Promise<unknown>;
  /** The run's status alone: checked between a chain's steps and after queueing. */
  runStatus(executionId: string): Promise<ExecutionStatus | undefined>;
  /** The latest attempts (state and output) of the given steps: a step's parents, to build its input. */
  parentResults(executionId: string, steps: readonly PlannedStep[]): Promise<ParentResults>;
  /** The latest stored attempt of a step and its claim holder. */
  latestAttempt(step: StepRef): Promise<StoredAttempt>;
  /**
   * Item `index` of the list of a loop's step that waits for its iterations (its stored output,
   * whole); undefined when that step is not waiting. The list never changes while it waits, so a
   * store may keep it in memory and answer its own copy of the item: the caller must not change it.
   */
  loopItem(executionId: string, loop: PlannedStep, index: number): Promise<{ item: unknown } | undefined>;
  /** Outputs of the given steps' successful attempts, whole (also when the stored one is capped). */
  stepOutputs(executionId: string, steps: readonly PlannedStep[]): Promise<Map<StepKey, unknown>>;
  /** Claims an action's attempt, or says why not (invariants "claims", "claim token", "vanished job takeover"). */
  claim(claim: Claim): Promise<ClaimDecision>;
  /**
   * Stores a result and, in the same transaction, works out what runs next (invariants "store
   * once", "decide with the result", "successor filter", "one end"). Finishes of one turn of the
   * event loop may share one commit.
   */
  finish(finish: Finish): Promise<Finished>;
  /**
   * Completes a suspended (`waiting`) attempt with its result, once: only while its row is
   * `waiting` and its run has not ended, and, in the same transaction, works out what runs next
   * as `finish` does (invariants "suspended steps", "decide with the result"). `stored` is false
   * when it was not waiting any more (resumed already, canceled) or its run had ended.
   */
  resumeWaiting(resumption: Resumption): Promise<Finished>;
  /** The step's latest attempt when it is suspended (`waiting`), with what it waits for; else undefined. */
  waitingStep(step: StepRef): Promise<WaitingStep | undefined>;
  /** Re-advances a run from what is stored, for a job whose attempt is settled or stale (invariant "stale jobs"). */
  settle(graph: CompiledGraph, executionId: string): Promise<Advance>;
  /** Ends a run that has not ended as failed; false when it had ended (invariant "one end"). */
  failRun(executionId: string, error: RunError): Promise<boolean>;
  /**
   * Fails a run that ran past its time limit, as a cancel ends one: the run's end (invariant "one
   * end"), its running attempts marked canceled and scheduled retries cleared, in one transaction;
   * false when it had ended.
   */
  timeOut(executionId: string, error: RunError): Promise<boolean>;
  /**
   * Makes every write this process made durable. Writes may be grouped into one commit (a worker
   * stores a chain of pure steps in one); the runner flushes before anything outside the store can
   * act on them: a job queued, an event published, a job completed. A run's end by `failRun` or
   * `timeOut` is durable when answered.
   */
  flush(): Promise<void>;

  // ---- starting, canceling, retrying and resuming runs (runs.ts)
  /** Stores a new run, `queued` (invariant "execution first"). Runs created in one turn may share one commit. */
  createExecution(values: NewExecution): Promise<Execution>;
  getExecution(executionId: string): Promise<Execution | undefined>;
  /** The workflow's published version; undefined when the workflow is gone. */
  publishedVersionOf(workflowId: string): Promise<string | null | undefined>;
  /** Cancels a run that has not ended, with its running attempts and scheduled retries; false when it had ended. */
  cancel(executionId: string): Promise<boolean>;
  /**
   * A retry that resumes: stores the new run, copies the original's succeeded and skipped steps,
   * and works out what to queue, in one transaction (invariant "resume from copies").
   */
  resume(
    original: Execution,
    graph: CompiledGraph,
    createdBy: string | null,
  ): Promise<{ execution: Execution; pending: PendingStep[] }>;
  /** Ids of runs not ended, oldest first, after `after`. */
  unfinishedRuns(limit: number, after?: string): Promise<string[]>;
  /** What an unfinished run needs queued: its ready steps, due retries and attempts left running (invariant "reconcile at start"). */
  reconcile(graph: CompiledGraph, executionId: string): Promise<PendingStep[]>;
}

/**
 * What sub-workflow calls need of the record beyond `RunStore` (server/engine/subworkflows.ts):
 * the one child run per calling step attempt, the version a call reaches, and the children whose
 * parents still wait. `SqliteRunStore` implements both.
 */
export interface ChildRunStore {
  /** The run a step attempt started as its child, if any. */
  childOfStep(step: StepId): Promise<Execution | undefined>;
  /**
   * Stores a sub-workflow run, `queued`, durably before answering: or answers the one the same
   * step attempt stored before (unique per `parent`), so a step run twice starts one child.
   */
  createChild(values: NewExecution & { readonly parent: ParentStep }): Promise<Execution>;
  /** The version a call runs: the workflow's published one or the numbered one, or why there is none. */
  calleeVersion(
    workflowId: string,
    version: 'published' | number,
  ): Promise<{ versionId: string; workflowName: string } | { problem: string }>;
  /** Ended runs whose calling step still waits for them (a crash came between a child's end and its parent's resumption). */
  endedChildrenAwaited(): Promise<string[]>;
  /** Children of a run that have not ended (a canceled parent cancels them). */
  unfinishedChildren(executionId: string): Promise<string[]>;
  /** The step that answered a run's webhook (its first Respond to webhook step), which is then its result. */
  answeredStep(executionId: string): Promise<ResultStep | undefined>;
}

/** The run queue: one job per step attempt that needs one, keyed (invariant "job keys"). */
export interface StepQueue {
  /**
   * Queues jobs (a job whose key is queued already is not queued twice) and publishes events in
   * the same commit; resolves once they are durable.
   */
  add(jobs: readonly StepJobSpec[], events?: readonly EngineEvent[]): Promise<void>;
  /** Whether a job still exists (waiting, running, or failed and to be retried). */
  exists(jobId: string): Promise<boolean>;
  /** Drops an execution's queued (not running) jobs; answers how many. */
  removeQueued(executionId: string): Promise<number>;
  /** Queues a job about a whole run (its time limit, its error workflow); one per kind and run. Durable when resolved. */
  addRunJob(job: RunJob): Promise<void>;
}

/** Engine events for live views and waiting webhooks. Losing one loses no data. */
export interface EventBus {
  publish(events: readonly EngineEvent[]): Promise<void>;
  /** Calls `listener` with every event of one execution until the returned function is called. */
  subscribe(executionId: string, listener: (event: EngineEvent) => void): () => void;
}

export interface Clock {
  /** Now, as ISO-8601 UTC text (how times are stored and sent). */
  nowIso(): string;
  /** Now, in milliseconds since the epoch. */
  nowMs(): number;
  /** Calls `callback` after `ms` unless the returned function is called first. */
  after(ms: number, callback: () => void): () => void;
}

/** What the engine counts. */
export type EngineCounter =
  /** Steps run (a node executed). */
  | 'steps'
  /** Of those, steps run inline in a chain rather than by a job of their own. */
  | 'inlineSteps'
  /** Jobs that found their attempt claimed by another job still in the queue. */
  | 'claimConflicts'
  /** Jobs that found their step settled or stale and only re-advanced the run. */
  | 'settled'
  /** Results not stored: their run ended, or another job stored the attempt first. */
  | 'droppedResults';

export interface Metrics {
  count(counter: EngineCounter, by?: number): void;
  /** How long a node took to run, in ms. */
  stepDuration(ms: number): void;
}

/** Metrics that go nowhere: the default. */
export const noMetrics: Metrics = { count() {}, stepDuration() {} };

/** One attempt of a node to run, with what its context needs. */
export interface StepCall {
  readonly graph: CompiledGraph;
  readonly node: CompiledNode;
  readonly input: unknown;
  readonly run: RunForStep;
  readonly step: StepId;
  /** Inside a loop's body: the innermost loop's item for this iteration, and its index (`item`, `index` in expressions). */
  readonly iteration?: { readonly item: unknown; readonly index: number };
  /** Aborts when the worker stops and the drain grace is over, or when the run is canceled. */
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs a node with its input and context and turns what it answers or throws into a result.
 * Throws `StepReleased` (never a result) when its worker is leaving.
 */
export type StepExecutor = (call: StepCall) => Promise<StepResult>;

/** Where the engine writes what an operator may want to read. */
export interface EngineLog {
  warn(details: object, message: string): void;
}
