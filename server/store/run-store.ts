import type Database from 'better-sqlite3';
import type { Scope, StepId, StepRef } from '../../nodes/step.ts';
import type { ClaimDecision } from '../core/engine/attempt.ts';
import type { CompiledGraph } from '../core/engine/compile.ts';
import type { IterationRecord, LoopProgress } from '../core/engine/loops.ts';
import type { PlannedStep } from '../core/engine/plan.ts';
import type {
  Advance,
  ChildRunStore,
  Claim,
  Execution,
  Finish,
  Finished,
  NewExecution,
  ParentStep,
  Recording,
  Resumption,
  RunError,
  RunGraphRef,
  RunStore,
  StepResult,
  StoredAttempt,
  WaitingStep,
} from '../core/engine/ports.ts';
import { advanceExecution, claimAttempt, finishStep, type RunRecords, reconcileRun } from '../core/engine/records.ts';
import { answeredStep, calleeVersion, endedChildrenAwaited, unfinishedChildren } from './child-runs.ts';
import { type ConnectionLock, connectionLock } from './connection-lock.ts';
import { nowIso, type Store } from './db.ts';
import {
  cancelExecution,
  childOfStep,
  type ExecutionRow,
  finishExecution,
  getExecution,
  getExecutionForStep,
  getExecutionGraph,
  getExecutionStatus,
  insertExecution,
  listUnfinishedExecutionIds,
  markExecutionResumed,
  markExecutionRunning,
  markExecutionWaiting,
} from './executions.ts';
import { type GroupCommit, type GroupCommitOptions, groupCommitOf } from './group-commit.ts';
import {
  endOutputs,
  failureIn,
  insertIteration,
  listIterations,
  loopProgress,
  setLoopProgress,
  waitingLoopItems,
} from './loops.ts';
import { fromJson, immediate, prepared } from './prepared.ts';
import {
  cancelRunningSteps,
  claimStepRun,
  copySucceededSteps,
  finishStepRun,
  insertFinishedStepRun,
  insertSkippedSteps,
  latestAttempt,
  latestResults,
  resumeStepRun,
  stepOutputs,
  stepStates,
  toStepState,
  waitingStep,
} from './steps.ts';
import { answeringStep, recordAnsweringStep } from './webhook-responses.ts';
import { WriteBatcher } from './write-batcher.ts';

/** How many loops' lists a run store keeps in memory (the most recently read). */
const LOOP_LISTS_KEPT = 16;

// The store's row and the engine's view of an execution are one shape (checked both ways).
const _rowIsExecution = (row: ExecutionRow): Execution => row;
const _executionIsRow = (execution: Execution): ExecutionRow => execution;

/** The records inside a SQLite transaction: each method is one or two prepared statements. */
export class SqliteRunRecords implements RunRecords {
  private readonly sqlite: Database.Database;
  readonly displayCap?: (output: unknown) => unknown;
  constructor(sqlite: Database.Database, displayCap?: (output: unknown) => unknown) {
    this.sqlite = sqlite;
    if (displayCap) this.displayCap = displayCap;
  }
  runStatus(executionId: string) {
    return getExecutionStatus(this.sqlite, executionId);
  }
  markRunning(executionId: string): void {
    markExecutionRunning(this.sqlite, executionId);
  }
  endRun(executionId: string, status: 'succeeded' | 'failed', error?: RunError): boolean {
    return finishExecution(this.sqlite, executionId, status, error);
  }
  suspendRun(executionId: string): boolean {
    return markExecutionWaiting(this.sqlite, executionId);
  }
  wakeRun(executionId: string): boolean {
    return markExecutionResumed(this.sqlite, executionId);
  }
  stepStates(executionId: string, scope?: Scope) {
    return stepStates(this.sqlite, executionId, scope);
  }
  loopProgress(loop: StepId): LoopProgress | undefined {
    return loopProgress(this.sqlite, loop);
  }
  setLoopProgress(loop: StepId, progress: LoopProgress): void {
    setLoopProgress(this.sqlite, loop, progress);
  }
  recordIteration(loop: StepRef, iteration: IterationRecord): boolean {
    return insertIteration(this.sqlite, loop, iteration);
  }
  iterations(loop: StepRef): IterationRecord[] {
    return listIterations(this.sqlite, loop);
  }
  endOutputs(executionId: string, endNodeId: string, loopScope: Scope): Map<number, unknown> {
    return endOutputs(this.sqlite, executionId, endNodeId, loopScope);
  }
  failureIn(executionId: string, scope: Scope) {
    return failureIn(this.sqlite, executionId, scope);
  }
  latestAttempt(step: StepRef): StoredAttempt {
    const latest = latestAttempt(this.sqlite, step);
    return { state: latest && toStepState(latest), holder: latest?.jobId };
  }
  insertClaim(claim: Claim): void {
    claimStepRun(this.sqlite, {
      ...claim.step,
      workerId: claim.workerId,
      jobId: claim.jobId,
      ...(claim.replacing ? { replacing: claim.replacing } : {}),
      input: claim.input,
      truncated: claim.truncated,
    });
  }
  finishClaimed(step: StepId, result: StepResult): boolean {
    return finishStepRun(this.sqlite, step, result);
  }
  finishWaiting(step: StepId, result: StepResult): boolean {
    return resumeStepRun(this.sqlite, step, result);
  }
  insertFinished(step: StepId, recording: Extract<Recording, { kind: 'unclaimed' }>, result: StepResult): boolean {
    return insertFinishedStepRun(
      this.sqlite,
      {
        ...step,
        workerId: recording.workerId,
        jobId: recording.jobId,
        input: recording.input,
        truncated: recording.truncated,
        startedAt: recording.startedAt,
      },
      result,
    );
  }
  insertSkipped(executionId: string, steps: readonly PlannedStep[]): void {
    insertSkippedSteps(this.sqlite, executionId, steps);
  }
  answeringStep(executionId: string): StepId | undefined {
    return answeringStep(this.sqlite, executionId);
  }
  recordAnsweringStep(step: StepId): boolean {
    return recordAnsweringStep(this.sqlite, step);
  }
}

/**
 * The engine's `RunStore` on SQLite. Each write is one transaction, `BEGIN IMMEDIATE` (writers
 * queue on the lock instead of failing mid-way), running one of the core's transaction scripts
 * (server/core/engine/records.ts) over `SqliteRunRecords`. Steps that finish in the same turn of
 * the event loop store their results in one commit, each in its own savepoint, and so do runs
 * created in the same turn (a burst of webhooks): under load, one write lock and one WAL write
 * for many. Every call waits while a repository transaction holds the shared connection
 * (connection-lock.ts), so an engine write never lands inside someone else's transaction.
 *
 * A worker's run store commits in groups instead (`groupCommit`, group-commit.ts): its writes join
 * one open transaction that commits when the runner needs them durable (`flush`), or after ~20 ms
 * or 200 writes, so a chain of pure steps stores its records in few commits.
 */
export class SqliteRunStore implements RunStore, ChildRunStore {
  private readonly sqlite: Database.Database;
  private readonly records: SqliteRunRecords;
  private readonly now: () => string;
  private readonly finishes: WriteBatcher<Finish, Finished>;
  private readonly executions: WriteBatcher<NewExecution, Execution>;
  /** Shared with the repositories: a call waits while one of their transactions holds the connection. */
  private readonly lock: ConnectionLock;
  private readonly group: GroupCommit | undefined;

  constructor(
    store: Pick<Store, 'sqlite'>,
    options: {
      now?: () => string;
      groupCommit?: GroupCommitOptions;
      onCommitFailure?: (error: Error) => void;
      /** The marker stored for people instead of an output over the display cap (a loop's collected list). */
      displayCap?: (output: unknown) => unknown;
    } = {},
  ) {
    const now = options.now ?? nowIso;
    const sqlite = store.sqlite;
    this.sqlite = sqlite;
    this.records = new SqliteRunRecords(sqlite, options.displayCap);
    this.now = now;
    this.lock = connectionLock(sqlite);
    this.group = options.groupCommit ? groupCommitOf(sqlite, options.groupCommit, options.onCommitFailure) : undefined;
    this.finishes = new WriteBatcher(sqlite, (finish: Finish) => finishStep(this.records, finish, this.now()));
    this.executions = new WriteBatcher(sqlite, (values: NewExecution) => {
      const execution = insertExecution(sqlite, values);
      values.alongside?.(execution);
      return execution;
    });
  }

  runForStep(executionId: string) {
    return this.lock.run(() => getExecutionForStep(this.sqlite, executionId));
  }

  graphSource(run: RunGraphRef): Promise<unknown> {
    return this.lock.run(() => {
      if (!run.versionId) return getExecutionGraph(this.sqlite, run.id);
      const row = prepared(this.sqlite, 'select graph from workflow_versions where id = ?').get(run.versionId) as
        | { graph: string | null }
        | undefined;
      return row ? fromJson(row.graph) : undefined;
    });
  }

  runStatus(executionId: string) {
    return this.lock.run(() => getExecutionStatus(this.sqlite, executionId));
  }

  parentResults(executionId: string, steps: readonly PlannedStep[]) {
    return this.lock.run(() => latestResults(this.sqlite, executionId, steps));
  }

  latestAttempt(step: StepRef): Promise<StoredAttempt> {
    return this.lock.run(() => this.records.latestAttempt(step));
  }

  /** Loop lists by execution, loop and scope: a list never changes while its loop waits, and every iteration reads it. */
  private readonly loopLists = new Map<string, unknown[]>();

  loopItem(executionId: string, loop: PlannedStep, index: number): Promise<{ item: unknown } | undefined> {
    const key = `${executionId}\u0000${loop.nodeId}\u0000${loop.scope}`;
    const cached = this.loopLists.get(key);
    if (cached) return Promise.resolve({ item: cached[index] });
    return this.lock.run(() => {
      const items = waitingLoopItems(this.sqlite, executionId, loop);
      if (!items) return undefined;
      if (this.loopLists.size >= LOOP_LISTS_KEPT) this.loopLists.delete(this.loopLists.keys().next().value as string);
      this.loopLists.set(key, items);
      return { item: items[index] };
    });
  }

  stepOutputs(executionId: string, steps: readonly PlannedStep[]) {
    return this.lock.run(() => stepOutputs(this.sqlite, executionId, steps));
  }

  /**
   * A claim joins the open group like any write; it is not committed before its action runs
   * (invariant "claims" says why that is safe): an action step then costs one commit, not two.
   */
  claim(claim: Claim): Promise<ClaimDecision> {
    return this.writing(() => this.write(() => claimAttempt(this.records, claim)));
  }

  finish(finish: Finish): Promise<Finished> {
    const { group } = this;
    if (group) return this.writing(() => group.write(() => finishStep(this.records, finish, this.now())));
    return this.finishes.add(finish);
  }

  /**
   * Durable when answered, as a claim is: whatever resumed the step may act on it next. Its
   * `alongside` writes commit with it, only when it is stored.
   */
  resumeWaiting(resumption: Resumption): Promise<Finished> {
    return this.lock.run(() =>
      this.durably(() => {
        const finished = finishStep(this.records, { ...resumption, recording: { kind: 'waiting' } }, this.now());
        if (finished.stored) resumption.alongside?.();
        return finished;
      }),
    );
  }

  waitingStep(step: StepRef): Promise<WaitingStep | undefined> {
    return this.lock.run(() => waitingStep(this.sqlite, step));
  }

  settle(graph: CompiledGraph, executionId: string): Promise<Advance> {
    return this.writing(() => this.write(() => advanceExecution(this.records, graph, executionId, this.now())));
  }

  failRun(executionId: string, error: RunError): Promise<boolean> {
    return this.lock.run(() => this.durably(() => this.records.endRun(executionId, 'failed', error)));
  }

  timeOut(executionId: string, error: RunError): Promise<boolean> {
    return this.lock.run(() =>
      this.durably(() => {
        if (!this.records.endRun(executionId, 'failed', error)) return false;
        cancelRunningSteps(this.sqlite, executionId);
        return true;
      }),
    );
  }

  flush(): Promise<void> {
    const { group } = this;
    // Waits its turn behind a repository transaction, then for the group's next commit.
    return group ? this.lock.run(() => undefined).then(() => group.durable()) : Promise.resolve();
  }

  /**
   * Runs `work` (a write) on the connection once the group's transaction is open, when committing
   * in groups: the wait for SQLite's write lock then happens on the event loop (GroupCommit.ready).
   */
  private writing<T>(work: () => T): Promise<T> {
    const { group } = this;
    return group ? group.ready(this.lock).then(() => this.lock.run(work)) : this.lock.run(work);
  }

  /** One write: in the open group when committing in groups, else a transaction of its own. */
  private write<T>(work: () => T): T {
    return this.group ? this.group.write(work) : immediate(this.sqlite, work);
  }

  /** One write, committed before this returns (with the group's other writes, when grouping). */
  private durably<T>(work: () => T): T {
    const result = this.write(work);
    this.group?.flush();
    return result;
  }

  createExecution(values: NewExecution): Promise<Execution> {
    // A worker (grouping its writes) starts no runs; if one ever did, the group commits first.
    this.group?.flush();
    return this.executions.add(values);
  }

  getExecution(executionId: string): Promise<Execution | undefined> {
    return this.lock.run(() => getExecution(this.sqlite, executionId));
  }

  publishedVersionOf(workflowId: string): Promise<string | null | undefined> {
    return this.lock.run(() => {
      const row = prepared(this.sqlite, 'select published_version_id as id from workflows where id = ?').get(
        workflowId,
      ) as { id: string | null } | undefined;
      return row?.id;
    });
  }

  cancel(executionId: string): Promise<boolean> {
    return this.lock.run(() =>
      this.durably(() => {
        if (!cancelExecution(this.sqlite, executionId)) return false;
        cancelRunningSteps(this.sqlite, executionId);
        return true;
      }),
    );
  }

  resume(original: Execution, graph: CompiledGraph, createdBy: string | null) {
    return this.lock.run(() =>
      this.durably(() => {
        const execution = insertExecution(this.sqlite, {
          workflowId: original.workflowId,
          versionId: original.versionId,
          graph: original.graph,
          trigger: 'retry',
          triggerPayload: original.triggerPayload,
          // The values the failed run read, not today's: the resumed run goes on as it started.
          vars: original.vars ?? {},
          retryOf: original.id,
          retryChain: original.retryChain ?? original.id,
          createdBy,
        });
        copySucceededSteps(this.sqlite, original.id, execution.id);
        return { execution, pending: advanceExecution(this.records, graph, execution.id, this.now()).pending };
      }),
    );
  }

  unfinishedRuns(limit: number, after?: string): Promise<string[]> {
    return this.lock.run(() => listUnfinishedExecutionIds(this.sqlite, limit, after));
  }

  reconcile(graph: CompiledGraph, executionId: string) {
    return this.lock.run(() => this.durably(() => reconcileRun(this.records, graph, executionId, this.now())));
  }

  // ---- sub-workflow runs (ChildRunStore)

  childOfStep(step: StepId): Promise<Execution | undefined> {
    return this.lock.run(() => childOfStep(this.sqlite, step));
  }

  /** In the worker's write group (a step starts it), committed before it is answered: its job is queued next. */
  createChild(values: NewExecution & { readonly parent: ParentStep }): Promise<Execution> {
    return this.lock.run(() => this.durably(() => insertExecution(this.sqlite, values)));
  }

  calleeVersion(workflowId: string, version: 'published' | number) {
    return this.lock.run(() => calleeVersion(this.sqlite, workflowId, version));
  }

  endedChildrenAwaited(): Promise<string[]> {
    return this.lock.run(() => endedChildrenAwaited(this.sqlite));
  }

  unfinishedChildren(executionId: string): Promise<string[]> {
    return this.lock.run(() => unfinishedChildren(this.sqlite, executionId));
  }

  answeredStep(executionId: string) {
    return this.lock.run(() => answeredStep(this.sqlite, executionId));
  }
}
