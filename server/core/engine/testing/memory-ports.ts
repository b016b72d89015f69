/**
 * Test support only (imported by `*.test.ts` files, never by the app): every engine port in
 * memory, with the semantics of the production adapters (server/store/run-store.ts,
 * server/engine/queue.ts), so the engine's rules run through the real step runner and run
 * service with no PostgreSQL, SQLite or isolate:
 * - `MemoryRunStore`: one row per attempt (invariant "unique step"), claims taken over only by
 *   their own job or the vanished one they replace, results stored once, a run ended once, a
 *   cancel that cancels running and waiting attempts and scheduled retries; suspended (`waiting`)
 *   steps resumed once; a loop's progress and its iterations recorded once. Writes run the core's transaction
 *   scripts (records.ts) synchronously: no other operation interleaves, as in a transaction.
 * - `MemoryStepQueue`: jobs keyed per attempt and deduplicated (invariant "job keys"), with a
 *   `runAt`, locked while they run; `runJobs` plays graphile-worker.
 * - `MemoryEventBus`, `ManualClock` (time moves only when told), `CountingMetrics`.
 * - `scriptedExecutor`: runs no node; answers per node and attempt what a table says.
 */
import { NonRetryableError } from '../../../../nodes/errors.ts';
import { type StepId, type StepKey, type StepRef, stepKey } from '../../../../nodes/step.ts';
import type { ClaimDecision } from '../attempt.ts';
import type { CompiledGraph } from '../compile.ts';
import { retryPolicyOf } from '../error-handling.ts';
import type { EngineEvent } from '../events.ts';
import { executionKeyPrefix, jobKeyOf, type RunJob, runJobKey, type StepJobSpec } from '../jobs.ts';
import { type IterationRecord, isLoopProgress, iterationIndex, type LoopProgress, loopScopeOf } from '../loops.ts';
import type { PlannedStep, StepState } from '../plan.ts';
import type {
  Advance,
  Claim,
  Clock,
  EngineCounter,
  EventBus,
  Execution,
  ExecutionStatus,
  Finish,
  Finished,
  Metrics,
  NewExecution,
  ParentResults,
  Recording,
  Resumption,
  RunError,
  RunForStep,
  RunGraphRef,
  RunStore,
  StepCall,
  StepExecutor,
  StepQueue,
  StepResult,
  StoredAttempt,
  Wait,
  WaitingStep,
} from '../ports.ts';
import { AlreadyRetried } from '../ports.ts';
import { advanceExecution, claimAttempt, finishStep, hasEnded, type RunRecords, reconcileRun } from '../records.ts';
import { retryDelayMs } from '../retry.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One stored attempt, as a `step_runs` row holds it. */
export interface MemoryStepRow {
  nodeId: string;
  scope: string;
  attempt: number;
  status: 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'canceled';
  /** What a `waiting` attempt waits for (`step_runs.wait`). */
  wait: Wait | null;
  input: unknown;
  output: unknown;
  port: string | null;
  error: unknown;
  retryAt: string | null;
  continueAt: string | null;
  jobId: string | null;
  workerId: string | null;
  reused: boolean;
  /** A failed attempt its node's settings handled: the run went on from it by `port` with `output`. */
  handled: boolean;
}

function toState(row: MemoryStepRow): StepState {
  switch (row.status) {
    case 'running':
      return { status: row.status, attempt: row.attempt };
    case 'waiting':
      return row.wait?.timer
        ? { status: row.status, attempt: row.attempt, timerAt: row.wait.timer.at }
        : { status: row.status, attempt: row.attempt };
    case 'succeeded':
      return {
        status: 'succeeded',
        attempt: row.attempt,
        port: row.port ?? 'main',
        ...(row.continueAt ? { continueAt: row.continueAt } : {}),
      };
    case 'failed':
      if (row.handled) return { status: 'succeeded', attempt: row.attempt, port: row.port ?? 'main', handled: true };
      return row.retryAt
        ? { status: 'retrying', attempt: row.attempt, retryAt: row.retryAt }
        : { status: 'failed', attempt: row.attempt };
    default:
      return { status: row.status };
  }
}

/** The records, synchronously: what a transaction of the SQLite store sees and writes. */
class MemoryRecords implements RunRecords {
  readonly executions = new Map<string, Mutable<Execution>>();
  readonly steps = new Map<string, MemoryStepRow[]>();
  private readonly clock: Clock;
  constructor(clock: Clock) {
    this.clock = clock;
  }

  rowsOf(executionId: string): MemoryStepRow[] {
    let rows = this.steps.get(executionId);
    if (!rows) {
      rows = [];
      this.steps.set(executionId, rows);
    }
    return rows;
  }

  row(step: StepId): MemoryStepRow | undefined {
    return this.rowsOf(step.executionId).find(
      (row) => row.nodeId === step.nodeId && row.scope === step.scope && row.attempt === step.attempt,
    );
  }

  latestRow(step: StepRef): MemoryStepRow | undefined {
    let found: MemoryStepRow | undefined;
    for (const row of this.rowsOf(step.executionId)) {
      if (row.nodeId !== step.nodeId || row.scope !== step.scope) continue;
      if (!found || row.attempt > found.attempt) found = row;
    }
    return found;
  }

  runStatus(executionId: string): ExecutionStatus | undefined {
    return this.executions.get(executionId)?.status;
  }

  markRunning(executionId: string): void {
    const execution = this.executions.get(executionId);
    if (execution?.status !== 'queued') return;
    execution.status = 'running';
    execution.startedAt = this.clock.nowIso();
  }

  suspendRun(executionId: string): boolean {
    const execution = this.executions.get(executionId);
    if (!execution || (execution.status !== 'queued' && execution.status !== 'running')) return false;
    execution.status = 'waiting';
    return true;
  }

  wakeRun(executionId: string): boolean {
    const execution = this.executions.get(executionId);
    if (execution?.status !== 'waiting') return false;
    execution.status = 'running';
    return true;
  }

  endRun(executionId: string, status: 'succeeded' | 'failed' | 'canceled', error?: RunError): boolean {
    const execution = this.executions.get(executionId);
    if (!execution || hasEnded(execution.status)) return false;
    execution.status = status;
    execution.error = error ?? null;
    execution.finishedAt = this.clock.nowIso();
    return true;
  }

  /** Ended iterations, keyed by `<execution>|<loop node>|<loop scope>`, then by index (`loop_iterations`). */
  readonly iterationRows = new Map<string, Map<number, IterationRecord>>();

  stepStates(executionId: string, scope?: string): Map<StepKey, StepState> {
    const latest = new Map<StepKey, MemoryStepRow>();
    for (const row of this.rowsOf(executionId)) {
      if (scope !== undefined && row.scope !== scope) continue;
      const key = stepKey(row.nodeId, row.scope);
      const seen = latest.get(key);
      if (!seen || row.attempt > seen.attempt) latest.set(key, row);
    }
    return new Map([...latest].map(([key, row]) => [key, toState(row)]));
  }

  loopProgress(loop: StepId): LoopProgress | undefined {
    const row = this.row(loop);
    return row?.status === 'waiting' && isLoopProgress(row.wait) ? row.wait : undefined;
  }

  setLoopProgress(loop: StepId, progress: LoopProgress): void {
    const row = this.row(loop);
    if (row?.status === 'waiting') row.wait = progress;
  }

  private iterationsOf(loop: StepRef): Map<number, IterationRecord> {
    const key = `${loop.executionId}|${loop.nodeId}|${loop.scope}`;
    const rows = this.iterationRows.get(key) ?? new Map<number, IterationRecord>();
    this.iterationRows.set(key, rows);
    return rows;
  }

  recordIteration(loop: StepRef, iteration: IterationRecord): boolean {
    const rows = this.iterationsOf(loop);
    if (rows.has(iteration.index)) return false;
    rows.set(iteration.index, iteration);
    return true;
  }

  iterations(loop: StepRef): IterationRecord[] {
    return [...this.iterationsOf(loop).values()].sort((a, b) => a.index - b.index);
  }

  endOutputs(executionId: string, endNodeId: string, loopScope: string): Map<number, unknown> {
    const outputs = new Map<number, unknown>();
    for (const row of this.rowsOf(executionId)) {
      if (row.nodeId !== endNodeId || row.status !== 'succeeded') continue;
      if (loopScopeOf(row.scope) !== loopScope) continue;
      outputs.set(iterationIndex(row.scope), structuredClone(row.output));
    }
    return outputs;
  }

  failureIn(executionId: string, scope: string): { nodeId: string; error: unknown } | undefined {
    const row = this.rowsOf(executionId).find(
      (each) => each.scope === scope && each.status === 'failed' && each.retryAt === null,
    );
    return row && { nodeId: row.nodeId, error: row.error };
  }

  latestAttempt(step: StepRef): StoredAttempt {
    const row = this.latestRow(step);
    return { state: row && toState(row), holder: row?.jobId };
  }

  insertClaim(claim: Claim): void {
    const existing = this.row(claim.step);
    if (existing) {
      // `on conflict … do update … where status = 'running' and job_id in (this job, the one it replaces)`
      const replaces = claim.replacing ?? claim.jobId;
      if (existing.status !== 'running' || (existing.jobId !== claim.jobId && existing.jobId !== replaces)) return;
      existing.jobId = claim.jobId;
      existing.workerId = claim.workerId;
      existing.input = claim.input;
      return;
    }
    this.rowsOf(claim.step.executionId).push({
      ...blankRow(claim.step),
      status: 'running',
      input: claim.input,
      jobId: claim.jobId,
      workerId: claim.workerId,
    });
  }

  finishClaimed(step: StepId, result: StepResult): boolean {
    const row = this.row(step);
    if (row?.status !== 'running') return false;
    Object.assign(row, resultColumns(result));
    return true;
  }

  finishWaiting(step: StepId, result: StepResult): boolean {
    const row = this.row(step);
    if (row?.status !== 'waiting') return false;
    Object.assign(row, resultColumns(result), { wait: null });
    return true;
  }

  insertFinished(step: StepId, recording: Extract<Recording, { kind: 'unclaimed' }>, result: StepResult): boolean {
    if (this.row(step)) return false;
    this.rowsOf(step.executionId).push({
      ...blankRow(step),
      ...resultColumns(result),
      input: recording.input,
      jobId: recording.jobId,
      workerId: recording.workerId,
    });
    return true;
  }

  insertSkipped(executionId: string, steps: readonly PlannedStep[]): void {
    for (const step of steps) {
      const id = { executionId, ...step, attempt: 1 };
      if (!this.row(id)) this.rowsOf(executionId).push({ ...blankRow(id), status: 'skipped' });
    }
  }

  /** `webhook_responses`: one row per execution, the first insert wins. */
  readonly answers = new Map<string, StepId>();

  answeringStep(executionId: string): StepId | undefined {
    return this.answers.get(executionId);
  }

  recordAnsweringStep(step: StepId): boolean {
    if (this.answers.has(step.executionId)) return false;
    this.answers.set(step.executionId, step);
    return true;
  }
}

const blankRow = (step: StepId): MemoryStepRow => ({
  nodeId: step.nodeId,
  scope: step.scope,
  attempt: step.attempt,
  status: 'running',
  input: null,
  output: null,
  port: null,
  error: null,
  retryAt: null,
  continueAt: null,
  wait: null,
  jobId: null,
  workerId: null,
  reused: false,
  handled: false,
});

function resultColumns(result: StepResult): Partial<MemoryStepRow> {
  switch (result.status) {
    case 'succeeded':
      return { status: 'succeeded', output: result.output, port: result.port, continueAt: result.continueAt ?? null };
    case 'waiting':
      return { status: 'waiting', output: result.output ?? null, wait: result.wait };
    case 'failed':
      return {
        status: 'failed',
        error: result.error,
        retryAt: result.retryAt ?? null,
        ...(result.handled ? { handled: true, output: result.handled.output, port: result.handled.port } : {}),
      };
  }
}

/** The `RunStore` in memory (see the file's header). */
export class MemoryRunStore implements RunStore {
  readonly records: MemoryRecords;
  private readonly clock: Clock;
  private readonly versions = new Map<string, { workflowId: string; graph: unknown }>();
  private readonly published = new Map<string, string | null>();
  private ids = 0;
  /** Called once a finish has committed: lets a test act between a chain's steps. */
  onFinished?: (finish: Finish, finished: Finished) => void | Promise<void>;

  constructor(clock: Clock) {
    this.clock = clock;
    this.records = new MemoryRecords(clock);
  }

  /** A workflow with `graph` as version 1, published unless told otherwise. */
  addWorkflow(graph: unknown, options: { published?: boolean } = {}): { workflowId: string; versionId: string } {
    const workflowId = `wf-${++this.ids}`;
    const versionId = `v-${++this.ids}`;
    this.versions.set(versionId, { workflowId, graph });
    this.published.set(workflowId, options.published === false ? null : versionId);
    return { workflowId, versionId };
  }

  /** Every stored attempt of a run, in the order written. */
  rows(executionId: string): readonly MemoryStepRow[] {
    return this.records.rowsOf(executionId);
  }

  async runForStep(executionId: string): Promise<RunForStep | undefined> {
    return this.records.executions.get(executionId);
  }
  async graphSource(run: RunGraphRef): Promise<unknown> {
    return run.versionId ? this.versions.get(run.versionId)?.graph : this.records.executions.get(run.id)?.graph;
  }
  async runStatus(executionId: string) {
    return this.records.runStatus(executionId);
  }
  async parentResults(executionId: string, steps: readonly PlannedStep[]): Promise<ParentResults> {
    const states = new Map<StepKey, StepState>();
    const outputs = new Map<StepKey, unknown>();
    for (const step of steps) {
      const row = this.records.latestRow({ executionId, ...step });
      if (!row) continue;
      const key = stepKey(step.nodeId, step.scope);
      states.set(key, toState(row));
      if (row.status === 'succeeded' || row.handled) outputs.set(key, structuredClone(row.output));
    }
    return { states, outputs };
  }
  async latestAttempt(step: StepRef): Promise<StoredAttempt> {
    return this.records.latestAttempt(step);
  }
  async loopItem(executionId: string, loop: PlannedStep, index: number): Promise<{ item: unknown } | undefined> {
    const row = this.records.latestRow({ executionId, ...loop });
    if (row?.status !== 'waiting' || !Array.isArray(row.output)) return undefined;
    return { item: structuredClone(row.output[index]) };
  }
  async stepOutputs(executionId: string, steps: readonly PlannedStep[]): Promise<Map<StepKey, unknown>> {
    const outputs = new Map<StepKey, unknown>();
    for (const step of steps) {
      const row = this.records
        .rowsOf(executionId)
        .find(
          (each) =>
            each.nodeId === step.nodeId && each.scope === step.scope && (each.status === 'succeeded' || each.handled),
        );
      if (row) outputs.set(stepKey(step.nodeId, step.scope), structuredClone(row.output));
    }
    return outputs;
  }
  async claim(claim: Claim): Promise<ClaimDecision> {
    return claimAttempt(this.records, claim);
  }
  async finish(finish: Finish): Promise<Finished> {
    const finished = finishStep(this.records, finish, this.clock.nowIso());
    await this.onFinished?.(finish, finished);
    return finished;
  }
  async resumeWaiting(resumption: Resumption): Promise<Finished> {
    return finishStep(this.records, { ...resumption, recording: { kind: 'waiting' } }, this.clock.nowIso());
  }
  async waitingStep(step: StepRef): Promise<WaitingStep | undefined> {
    const latest = this.records
      .rowsOf(step.executionId)
      .filter((row) => row.nodeId === step.nodeId && row.scope === step.scope)
      .sort((a, b) => b.attempt - a.attempt)[0];
    if (latest?.status !== 'waiting' || !latest.wait) return undefined;
    return { attempt: latest.attempt, wait: latest.wait, output: latest.output };
  }
  async settle(graph: CompiledGraph, executionId: string): Promise<Advance> {
    return advanceExecution(this.records, graph, executionId, this.clock.nowIso());
  }
  async failRun(executionId: string, error: RunError): Promise<boolean> {
    return this.records.endRun(executionId, 'failed', error);
  }
  async timeOut(executionId: string, error: RunError): Promise<boolean> {
    if (!this.records.endRun(executionId, 'failed', error)) return false;
    for (const row of this.records.rowsOf(executionId)) {
      if (row.status === 'running') row.status = 'canceled';
      if (row.status === 'failed') row.retryAt = null;
    }
    return true;
  }
  /** Every write here is visible and "durable" at once. */
  async flush(): Promise<void> {}
  async createExecution(values: NewExecution): Promise<Execution> {
    const execution = this.insertExecution(values);
    try {
      values.alongside?.(execution);
    } catch (error) {
      // The insert and what goes along with it commit together or not at all.
      this.records.executions.delete(execution.id);
      throw error;
    }
    return execution;
  }
  async getExecution(executionId: string): Promise<Execution | undefined> {
    const execution = this.records.executions.get(executionId);
    return execution && { ...execution };
  }
  async publishedVersionOf(workflowId: string): Promise<string | null | undefined> {
    return this.published.get(workflowId);
  }
  async cancel(executionId: string): Promise<boolean> {
    if (!this.records.endRun(executionId, 'canceled')) return false;
    for (const row of this.records.rowsOf(executionId)) {
      if (row.status === 'running' || row.status === 'waiting') row.status = 'canceled';
      if (row.status === 'failed') row.retryAt = null;
    }
    return true;
  }
  async resume(original: Execution, graph: CompiledGraph, createdBy: string | null) {
    const execution = this.insertExecution({
      workflowId: original.workflowId,
      versionId: original.versionId,
      graph: original.graph,
      trigger: 'retry',
      triggerPayload: original.triggerPayload,
      vars: original.vars ?? {},
      retryOf: original.id,
      retryChain: original.retryChain ?? original.id,
      createdBy,
    });
    for (const row of this.records.rowsOf(original.id)) {
      if (row.status !== 'succeeded' && row.status !== 'skipped' && !row.handled) continue;
      this.records.rowsOf(execution.id).push({ ...row, attempt: 1, reused: true, retryAt: null });
    }
    return {
      execution,
      pending: advanceExecution(this.records, graph, execution.id, this.clock.nowIso()).pending,
    };
  }
  async unfinishedRuns(limit: number, after = ''): Promise<string[]> {
    return [...this.records.executions.values()]
      .filter((execution) => !hasEnded(execution.status) && execution.id > after)
      .map((execution) => execution.id)
      .sort()
      .slice(0, limit);
  }
  async reconcile(graph: CompiledGraph, executionId: string) {
    return reconcileRun(this.records, graph, executionId, this.clock.nowIso());
  }

  private insertExecution(values: NewExecution): Mutable<Execution> {
    const earlier = values.retryOf
      ? [...this.records.executions.values()].find((execution) => execution.retryOf === values.retryOf)
      : undefined;
    if (values.retryOf && earlier) throw new AlreadyRetried(values.retryOf, earlier.id);
    const id = `run-${String(++this.ids).padStart(4, '0')}`;
    const execution: Mutable<Execution> = {
      id,
      workflowId: values.workflowId,
      versionId: values.versionId,
      graph: values.graph ?? null,
      trigger: values.trigger,
      triggerPayload: values.triggerPayload ?? null,
      status: 'queued',
      error: null,
      retryOf: values.retryOf ?? null,
      retryChain: values.retryChain ?? id,
      errorOf: values.errorOf ?? null,
      // No variables table here: a run records what it is given, a sub-workflow run its caller's.
      vars: {
        ...(values.vars ??
          (values.parent ? this.records.executions.get(values.parent.executionId)?.vars : undefined) ??
          {}),
      },
      createdBy: values.createdBy ?? null,
      parentExecutionId: values.parent?.executionId ?? null,
      parentNodeId: values.parent?.nodeId ?? null,
      parentScope: values.parent?.scope ?? null,
      parentAttempt: values.parent?.attempt ?? null,
      callDepth: values.parent?.callDepth ?? 0,
      createdAt: this.clock.nowIso(),
      startedAt: null,
      finishedAt: null,
    };
    this.records.executions.set(id, execution);
    return execution;
  }
}

/** Engine events kept in order and handed to subscribers. */
export class MemoryEventBus implements EventBus {
  readonly published: EngineEvent[] = [];
  private readonly listeners = new Set<{ executionId: string; listener: (event: EngineEvent) => void }>();

  async publish(events: readonly EngineEvent[]): Promise<void> {
    for (const event of events) {
      this.published.push(event);
      for (const entry of this.listeners) if (entry.executionId === event.executionId) entry.listener(event);
    }
  }

  subscribe(executionId: string, listener: (event: EngineEvent) => void): () => void {
    const entry = { executionId, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }
}

export interface MemoryJob {
  readonly id: string;
  readonly key: string | null;
  readonly spec: StepJobSpec;
  locked: boolean;
  /** Times the queue started it (graphile-worker's `attempts`). */
  runs: number;
}

/** The step queue in memory: keyed jobs, deduplicated like graphile-worker's `unsafe_dedupe`. */
export class MemoryStepQueue implements StepQueue {
  readonly jobs = new Map<string, MemoryJob>();
  private nextId = 1;
  private readonly events: EventBus;
  constructor(events: EventBus) {
    this.events = events;
  }

  async add(jobs: readonly StepJobSpec[], events: readonly EngineEvent[] = []): Promise<void> {
    for (const spec of jobs) this.push(spec, jobKeyOf(spec));
    await this.events.publish(events);
  }

  /** A job added without a key, so nothing merges it away: a duplicate, as a bug or an old Stepwise could make. */
  addUnkeyed(spec: StepJobSpec): MemoryJob {
    return this.push(spec, null) as MemoryJob;
  }

  async exists(jobId: string): Promise<boolean> {
    return this.jobs.has(jobId);
  }

  /** Jobs about whole runs, by key: kept, not run (the in-memory engine drives step jobs only). */
  readonly runJobs = new Map<string, RunJob>();

  async addRunJob(job: RunJob): Promise<void> {
    if (!this.runJobs.has(runJobKey(job))) this.runJobs.set(runJobKey(job), job);
  }

  async removeQueued(executionId: string): Promise<number> {
    let removed = 0;
    for (const job of [...this.jobs.values()]) {
      if (job.locked || !job.key?.startsWith(executionKeyPrefix(executionId))) continue;
      this.jobs.delete(job.id);
      removed++;
    }
    return removed;
  }

  private push(spec: StepJobSpec, key: string | null): MemoryJob | undefined {
    // A job whose key is waiting or running is not queued again.
    if (key !== null && [...this.jobs.values()].some((job) => job.key === key)) return undefined;
    const job: MemoryJob = { id: String(this.nextId++), key, spec, locked: false, runs: 0 };
    this.jobs.set(job.id, job);
    return job;
  }
}

/** Time that moves only when a test moves it; timers fire as it passes them. */
export class ManualClock implements Clock {
  private ms: number;
  private timers: Array<{ at: number; callback: () => void }> = [];
  constructor(start = '2030-01-01T00:00:00.000Z') {
    this.ms = Date.parse(start);
  }
  nowIso(): string {
    return new Date(this.ms).toISOString();
  }
  nowMs(): number {
    return this.ms;
  }
  after(ms: number, callback: () => void): () => void {
    const timer = { at: this.ms + ms, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((each) => each !== timer);
    };
  }
  /** How many timers are set and neither fired nor canceled. */
  get pendingTimers(): number {
    return this.timers.length;
  }
  /** Moves time to `iso` (never back), firing the timers it passes. */
  advanceTo(iso: string): void {
    const target = Date.parse(iso);
    if (target <= this.ms) return;
    this.ms = target;
    const due = this.timers.filter((timer) => timer.at <= target);
    this.timers = this.timers.filter((timer) => timer.at > target);
    for (const timer of due) timer.callback();
  }
}

export class CountingMetrics implements Metrics {
  readonly counts: Partial<Record<EngineCounter, number>> = {};
  readonly durations: number[] = [];
  count(counter: EngineCounter, by = 1): void {
    this.counts[counter] = (this.counts[counter] ?? 0) + by;
  }
  stepDuration(ms: number): void {
    this.durations.push(ms);
  }
}

/** Thrown by a scripted step that "crashes its worker": the job fails and the queue runs it again. */
export class WorkerCrash extends Error {
  override name = 'WorkerCrash';
}

/**
 * What a node answers each time it runs (the last answer repeats), as a comma-separated string:
 * `ok` (port `main`), `ok:<port>`, `fail` (an error, retried by the node's policy as a new
 * attempt), `fail!` (non-retryable), `crash` (its worker dies mid-step: nothing is stored, and the
 * job runs the same attempt again), `wait:<ms>` (succeeds by `main` and holds its successors back
 * for `ms`, as a delay does), `suspend` (stored `waiting` with `{ kind: 'test' }`, until a test
 * resumes it), `timer:<ms>[:<port>]` (stored `waiting` with a timer due in `ms` that resumes it by
 * `port`, as flow.wait does), `items:<n>` (a loop's list: `["i0", …]`, by port `body`; `items:0` is
 * empty). A step without a script answers `ok`. Keys are `node` or
 * `node#scope`; the output of a successful step is its input with `{ <node id>: <attempt> }` added.
 */
export type Script = Readonly<Record<string, string>>;

export interface ScriptedExecutor {
  readonly execute: StepExecutor;
  /** Every node run, as `node[#scope]` and ` attempt N` after the first, in order. */
  readonly calls: string[];
  /** Called as each step starts (after its claim), before it answers: lets a test act mid-step. */
  onStart?: (call: StepCall) => void | Promise<void>;
}

export function scriptedExecutor(script: Script, clock: Clock): ScriptedExecutor {
  const runs = new Map<string, number>();
  const scripted: ScriptedExecutor = {
    calls: [],
    async execute(call) {
      const { step, node } = call;
      const name = step.scope === '' ? step.nodeId : `${step.nodeId}#${step.scope}`;
      scripted.calls.push(step.attempt === 1 ? name : `${name} attempt ${step.attempt}`);
      await scripted.onStart?.(call);
      const answers = (script[name] ?? script[step.nodeId] ?? 'ok').split(',').map((answer) => answer.trim());
      const ran = (runs.get(name) ?? 0) + 1;
      runs.set(name, ran);
      const answer = answers[Math.min(ran, answers.length) - 1] as string;
      if (answer === 'crash') throw new WorkerCrash(`${name} crashed its worker`);
      if (answer.startsWith('fail')) {
        const error = answer === 'fail!' ? new NonRetryableError(`${name} failed`) : new Error(`${name} failed`);
        const delay = retryDelayMs(retryPolicyOf(node), step.attempt, error, () => 0.5);
        return {
          status: 'failed',
          error: { name: error.name, message: error.message, retryable: delay !== undefined },
          ...(delay !== undefined ? { retryAt: new Date(clock.nowMs() + delay).toISOString() } : {}),
        };
      }
      if (answer === 'suspend') return { status: 'waiting', wait: { kind: 'test' }, output: call.input };
      if (answer.startsWith('items:')) {
        const items = Array.from({ length: Number(answer.slice(6)) }, (_, index) => `i${index}`);
        return { status: 'succeeded', output: items, port: 'body' };
      }
      if (answer.startsWith('timer:')) {
        // Suspended until its timer job resumes it, by the port named after the delay (as flow.wait does).
        const [, ms = '0', port = 'main'] = answer.split(':');
        const at = new Date(clock.nowMs() + Number(ms)).toISOString();
        return { status: 'waiting', wait: { kind: 'time', timer: { at, port } }, output: call.input };
      }
      const port = answer.startsWith('ok:') ? answer.slice(3) : 'main';
      // A plain value (a loop's item) is kept as `item`, so a test sees which item a step ran with.
      const input =
        call.input !== null && typeof call.input === 'object'
          ? call.input
          : call.input === undefined
            ? {}
            : { item: call.input };
      const continueAt = answer.startsWith('wait:')
        ? { continueAt: new Date(clock.nowMs() + Number(answer.slice(5))).toISOString() }
        : {};
      return { status: 'succeeded', output: { ...input, [step.nodeId]: step.attempt }, port, ...continueAt };
    },
  };
  return scripted;
}
