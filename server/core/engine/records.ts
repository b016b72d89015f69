import { parseStepKey, type StepId, type StepKey, type StepRef, stepKey } from '../../../nodes/step.ts';
import { attemptStatus, type ClaimDecision, claimDecision } from './attempt.ts';
import type { CompiledGraph, CompiledNode } from './compile.ts';
import type { EngineEvent } from './events.ts';
import {
  newlySkipped,
  onlyWaiting,
  type PendingStep,
  type PlannedStep,
  parentKeys,
  pendingSteps,
  runOutcome,
  type StepState,
  waitTimers,
} from './plan.ts';
import type {
  Advance,
  Claim,
  ExecutionStatus,
  Finish,
  Finished,
  Recording,
  RunError,
  StepResult,
  StoredAttempt,
} from './ports.ts';
import { type AnswerRecords, answerTurn } from './respond.ts';

/*
 * The engine's write operations as transaction scripts: what each atomic `RunStore` operation
 * decides and writes, over `RunRecords`, a synchronous view of the records inside one
 * transaction. A `RunStore` runs a script inside its transaction (SQLite: `BEGIN IMMEDIATE`, or
 * a savepoint of a batched commit; in memory: synchronously), so both stores keep the same rules,
 * and the rules live here, once, with the names of the invariants they keep
 * (docs/architecture.md, "Engine invariants").
 */

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'canceled'];

/** Whether a run has ended (or is gone). */
export const hasEnded = (status: ExecutionStatus | undefined): boolean =>
  status === undefined || TERMINAL_STATUSES.includes(status);

/**
 * The records of runs and steps as one transaction sees them. Every write keeps its own guard.
 * Which step answered a run's webhook is kept beside them (`AnswerRecords`, respond.ts).
 */
export interface RunRecords extends AnswerRecords {
  runStatus(executionId: string): ExecutionStatus | undefined;
  /** `queued` → `running`; a run in any other status is left alone. */
  markRunning(executionId: string): void;
  /** Ends a run still `queued`, `running` or `waiting`; false when it had ended (invariant "one end"). */
  endRun(executionId: string, status: 'succeeded' | 'failed', error?: RunError): boolean;
  /** `queued` or `running` → `waiting` (only suspended steps are left); false in any other status. */
  suspendRun(executionId: string): boolean;
  /** `waiting` → `running` (a suspended step was resumed); false in any other status. */
  wakeRun(executionId: string): boolean;
  /** The latest attempt of every step of the run that has one. */
  stepStates(executionId: string): Map<StepKey, StepState>;
  latestAttempt(step: StepRef): StoredAttempt;
  /**
   * Writes a claim: a new `running` row, or takes over a `running` row held by the claiming job or
   * by `replacing` (invariant "unique step": one row per attempt).
   */
  insertClaim(claim: Claim): void;
  /** Stores a claimed attempt's result, only while its row is `running` (invariant "store once"). */
  finishClaimed(step: StepId, result: StepResult): boolean;
  /**
   * Completes a suspended attempt, only while its row is `waiting` (invariant "suspended steps");
   * false when it is not (resumed already, or canceled).
   */
  finishWaiting(step: StepId, result: StepResult): boolean;
  /** Inserts an unclaimed attempt with its result; false when the attempt has a row already (invariant "unique step"). */
  insertFinished(step: StepId, recording: Extract<Recording, { kind: 'unclaimed' }>, result: StepResult): boolean;
  /** Records steps that will never run, as attempt 1; existing rows are left alone. */
  insertSkipped(executionId: string, steps: readonly PlannedStep[]): void;
}

/**
 * Claims an attempt before it runs (invariant "claims"): only while the run goes on and the
 * attempt is the step's next one, or is held by this job or by the vanished job it replaces.
 * The first step to start moves the run from `queued` to `running`.
 */
export function claimAttempt(records: RunRecords, claim: Claim): ClaimDecision {
  const status = records.runStatus(claim.step.executionId);
  const latest = records.latestAttempt(claim.step);
  const decision = claimDecision({
    runEnded: hasEnded(status),
    latest: latest.state,
    holder: latest.holder,
    attempt: claim.step.attempt,
    jobId: claim.jobId,
    ...(claim.replacing ? { replacing: claim.replacing } : {}),
  });
  if (decision.kind !== 'claim') return decision;
  records.insertClaim(claim);
  if (status === 'queued') records.markRunning(claim.step.executionId);
  return decision;
}

/**
 * Stores the result of a step that was not claimed (a pure one): only while its run goes on and
 * nobody has recorded the attempt yet (invariant "store once"). A result that loses either race is
 * dropped, as an action's late result is after a cancel.
 */
export function recordUnclaimed(
  records: RunRecords,
  step: StepId,
  recording: Extract<Recording, { kind: 'unclaimed' }>,
  result: StepResult,
): boolean {
  const status = records.runStatus(step.executionId);
  if (hasEnded(status)) return false;
  if (attemptStatus(records.latestAttempt(step).state, step.attempt) !== 'new') return false;
  const stored = records.insertFinished(step, recording, result);
  if (stored && status === 'queued') records.markRunning(step.executionId);
  return stored;
}

/**
 * Completes a suspended step with its result: only while its run goes on and its row is still
 * `waiting` (invariant "suspended steps"), so whatever resumes it (a loop's last iteration, a
 * wait's timer, an approval) completes it once, however often it tries.
 */
export function recordResumed(records: RunRecords, step: StepId, result: StepResult): boolean {
  if (hasEnded(records.runStatus(step.executionId))) return false;
  return records.finishWaiting(step, result);
}

/** What a stored result means for what follows (pure). */
export type AfterResult =
  /** Suspended: nothing follows until it is resumed. */
  | { readonly kind: 'suspend' }
  /** Failed with another attempt to come: queue it when due. */
  | { readonly kind: 'retry'; readonly next: PendingStep }
  /** Failed for good: the run fails. */
  | { readonly kind: 'fail-run'; readonly error: RunError }
  /** Succeeded: advance the run from it. */
  | { readonly kind: 'advance' };

export function afterResult(step: StepId, node: CompiledNode, result: StepResult): AfterResult {
  // Handled by the node's settings (error-handling.ts): the run goes on from it as from a success.
  if (result.status === 'failed' && result.handled) return { kind: 'advance' };
  if (result.status === 'waiting') return { kind: 'suspend' };
  if (result.status === 'failed' && result.retryAt) {
    return {
      kind: 'retry',
      next: { nodeId: step.nodeId, scope: step.scope, attempt: step.attempt + 1, runAt: result.retryAt },
    };
  }
  if (result.status === 'failed') {
    const message = (result.error as { message?: string } | null)?.message ?? 'failed';
    return { kind: 'fail-run', error: { nodeId: step.nodeId, nodeName: node.node.name, message } };
  }
  return { kind: 'advance' };
}

/**
 * Stores a step's result and works out what runs next, in one transaction (invariant "decide
 * with the result"): a retry when it failed with one to come, the run's end when it failed for
 * good, else what its success made ready.
 */
export function finishStep(records: RunRecords, finish: Finish, at: string): Finished {
  const { step, graph, node, recording } = finish;
  const event = (status: 'succeeded' | 'failed' | 'retrying' | 'waiting'): EngineEvent => ({
    type: 'step',
    ...step,
    status,
    at,
  });
  // A Respond to webhook step answers only when it is the run's first (invariant "first answer").
  const answer = answerTurn(records, finish);
  const { result } = answer;
  // Not stored when a claimed attempt is no longer running: its run was canceled meanwhile. (A
  // run failed by another branch still records a claimed result; advancing it queues nothing.)
  const stored =
    recording.kind === 'claimed'
      ? records.finishClaimed(step, result)
      : recording.kind === 'waiting'
        ? recordResumed(records, step, result)
        : recordUnclaimed(records, step, recording, result);
  if (!stored) return { pending: [], events: [], stored: false };
  const woken: EngineEvent[] = [];
  // A resumed step brings a waiting run back to running (it may end or wait again below).
  if (recording.kind === 'waiting' && records.wakeRun(step.executionId)) {
    woken.push({ type: 'run', executionId: step.executionId, status: 'running', at });
  }
  answer.stored();
  const after = afterResult(step, node, result);
  if (after.kind === 'suspend') {
    // A suspended step makes nothing ready and ends nothing: the run waits for its resumption,
    // and is `waiting` when nothing else is left to run. Time resumes it through its timer job.
    const events = [event('waiting')];
    if (onlyWaiting(graph, records.stepStates(step.executionId)) && records.suspendRun(step.executionId)) {
      events.push({ type: 'run', executionId: step.executionId, status: 'waiting', at });
    }
    const timer = result.status === 'waiting' ? result.wait.timer : undefined;
    const pending: PendingStep[] = timer
      ? [{ nodeId: step.nodeId, scope: step.scope, attempt: step.attempt, runAt: timer.at, timer: true }]
      : [];
    return { pending, events, stored: true };
  }
  if (after.kind === 'retry') return { pending: [after.next], events: [...woken, event('retrying')], stored: true };
  if (after.kind === 'fail-run') {
    const events = [...woken, event('failed')];
    // The guarded run end (invariant "one end"): only a run that has not ended yet ends here.
    if (records.endRun(step.executionId, 'failed', after.error)) {
      events.push({ type: 'run', executionId: step.executionId, status: 'failed', at });
    }
    return { pending: [], events, stored: true };
  }
  const advance = advanceExecution(records, graph, step.executionId, at, step);
  const done = result.status === 'failed' ? { ...event('failed'), handled: true } : event('succeeded');
  return { pending: advance.pending, events: [...woken, done, ...advance.events], stored: true };
}

/** What advancing a run from its states decides (pure): skips to record, its outcome, the steps due. */
export interface AdvancePlan {
  readonly skipped: PlannedStep[];
  readonly outcome: 'running' | 'succeeded' | 'failed';
  readonly pending: PendingStep[];
  /** The run goes on with only suspended steps left: its status becomes `waiting`. */
  readonly waiting: boolean;
}

/**
 * Plans a run's advance from its stored states: branches not taken are skipped (transitively),
 * the run ends when nothing is pending, else the pending steps are listed. With a `changed` step
 * (one that just succeeded) only the steps it or the skips it caused made ready are listed
 * (invariant "successor filter"): those made ready earlier were queued then.
 */
export function planAdvance(
  graph: CompiledGraph,
  stored: ReadonlyMap<StepKey, StepState>,
  changed?: PlannedStep,
): AdvancePlan {
  const skipped = newlySkipped(graph, stored);
  const states = new Map(stored);
  for (const step of skipped) states.set(stepKey(step.nodeId, step.scope), { status: 'skipped' });
  const outcome = runOutcome(graph, states);
  if (outcome !== 'running') return { skipped, outcome, pending: [], waiting: false };
  const pending = pendingSteps(graph, states);
  const waiting = onlyWaiting(graph, states);
  if (changed === undefined) return { skipped, outcome, pending, waiting };
  const sources = new Set([changed, ...skipped].map((step) => stepKey(step.nodeId, step.scope)));
  return {
    skipped,
    outcome,
    waiting,
    pending: pending.filter((step) =>
      parentKeys(graph, graph.nodes.get(step.nodeId) as CompiledNode, step.scope).some((key) => sources.has(key)),
    ),
  };
}

/**
 * Moves a running execution forward from what is stored: records the skips, ends the run when
 * nothing is pending, and lists the steps to queue. Runs inside the caller's transaction;
 * idempotent, so it is also how a step left half-finished by a crash is recovered.
 */
export function advanceExecution(
  records: RunRecords,
  graph: CompiledGraph,
  executionId: string,
  at: string,
  /** The step that just succeeded: only what it (and skips it caused) made ready is listed. */
  changed?: PlannedStep,
): Advance {
  const plan = planAdvance(graph, records.stepStates(executionId), changed);
  const events: EngineEvent[] = [];
  if (plan.skipped.length > 0) {
    records.insertSkipped(executionId, plan.skipped);
    for (const step of plan.skipped) {
      events.push({ type: 'step', executionId, ...step, attempt: 1, status: 'skipped', at });
    }
  }
  if (plan.outcome === 'succeeded' && records.endRun(executionId, 'succeeded')) {
    events.push({ type: 'run', executionId, status: 'succeeded', at });
  }
  if (plan.waiting && records.suspendRun(executionId)) events.push({ type: 'run', executionId, status: 'waiting', at });
  return { pending: plan.pending, events };
}

/**
 * What an unfinished run needs queued, from what is stored (invariant "reconcile at start"): the
 * steps that are ready, the retries that are due, the attempts left running, and the timers of
 * suspended steps that time resumes (their jobs, if they still exist, are not duplicated:
 * invariant "job keys").
 */
export function reconcileRun(
  records: RunRecords,
  graph: CompiledGraph,
  executionId: string,
  at: string,
): PendingStep[] {
  const running: PendingStep[] = [];
  for (const [key, state] of records.stepStates(executionId)) {
    if (state.status !== 'running') continue;
    running.push({ ...parseStepKey(key), attempt: state.attempt });
  }
  const states = records.stepStates(executionId);
  return [...advanceExecution(records, graph, executionId, at).pending, ...running, ...waitTimers(states)];
}
