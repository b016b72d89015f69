import { parseStepKey, type Scope, type StepId, type StepKey, type StepRef, stepKey } from '../../../nodes/step.ts';
import { attemptStatus, type ClaimDecision, claimDecision } from './attempt.ts';
import { type CompiledGraph, type CompiledNode, isLoop, type LoopBody } from './compile.ts';
import type { EngineEvent } from './events.ts';
import {
  type IterationRecord,
  isLoopProgress,
  itemError,
  iterationIndex,
  iterationScope,
  iterationStart,
  type LoopConfig,
  type LoopProgress,
  loopOutput,
  loopScopeOf,
  loopStarted,
  nextIterations,
} from './loops.ts';
import {
  type Frame,
  frameOf,
  frameOutcome,
  newlySkipped,
  onlyWaiting,
  type PendingStep,
  type PlannedStep,
  parentKeys,
  pendingSteps,
  runOutcome,
  type StepState,
  TOP_FRAME,
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
  /**
   * The latest attempt of every step of the run that has one: of one scope only when `scope` is
   * given (what planning a frame reads: a step's finish never loads the whole run).
   */
  stepStates(executionId: string, scope?: Scope): Map<StepKey, StepState>;
  /** The progress of a loop step the caller found waiting (kept apart from its row, or its `wait`). */
  loopProgress(loop: StepId): LoopProgress | undefined;
  /** Stores a waiting loop step's progress. */
  setLoopProgress(loop: StepId, progress: LoopProgress): void;
  /** Records how an iteration ended, once; false when it was recorded already. */
  recordIteration(loop: StepRef, iteration: IterationRecord): boolean;
  /** The ended iterations of a loop's step. */
  iterations(loop: StepRef): IterationRecord[];
  /** The outputs of `endNodeId`'s successful steps in the iterations of the loop step in `loopScope`, by index. */
  endOutputs(executionId: string, endNodeId: string, loopScope: Scope): Map<number, unknown>;
  /** The first step of a scope that failed for good: its node and error. */
  failureIn(executionId: string, scope: Scope): { nodeId: string; error: unknown } | undefined;
  /** The marker people see instead of an output over the display cap; undefined when it is within it. */
  displayCap?(output: unknown): unknown;
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
  // A first attempt is new exactly when it has no row, which the insert itself tells (invariant
  // "unique step"): every row of a step starts with its attempt 1 (claimed, stored, copied or skipped).
  if (step.attempt > 1 && attemptStatus(records.latestAttempt(step).state, step.attempt) !== 'new') return false;
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
 * with the result"): a retry when it failed with one to come, the run's end (or, inside a loop's
 * body, what the loop's `onItemError` says) when it failed for good, the iterations a loop starts
 * when it suspends, else what its success made ready.
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
  // A loop's list (by port `body`) is stored as its step waiting while its iterations run.
  const answer = answerTurn(records, { ...finish, result: loopStartResult(node, finish.result) });
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
    // A suspended step makes nothing ready and ends nothing: the run waits for its resumption.
    // A loop's step is resumed by its iterations, which start now; time resumes a wait through
    // its timer job.
    const started =
      result.status === 'waiting' && isLoopProgress(result.wait)
        ? continueLoop(records, graph, step, { ...result.wait, ...copiedIterations(records, graph, step) }, at)
        : NOTHING;
    const timer = result.status === 'waiting' ? result.wait.timer : undefined;
    const suspended: Advance = {
      pending: [
        ...started.pending,
        ...(timer
          ? [{ nodeId: step.nodeId, scope: step.scope, attempt: step.attempt, runAt: timer.at, timer: true as const }]
          : []),
      ],
      events: [...woken, event('waiting'), ...started.events],
    };
    return { ...withRunWaiting(records, graph, step.executionId, at, suspended), stored: true };
  }
  if (after.kind === 'retry') return { pending: [after.next], events: [...woken, event('retrying')], stored: true };
  if (after.kind === 'fail-run') {
    const failed = failedForGood(records, graph, step, node, after.error, at);
    return { pending: failed.pending, events: [...woken, event('failed'), ...failed.events], stored: true };
  }
  const advance = advanceExecution(records, graph, step.executionId, at, step);
  const done = result.status === 'failed' ? { ...event('failed'), handled: true } : event('succeeded');
  return { pending: advance.pending, events: [...woken, done, ...advance.events], stored: true };
}

const NOTHING: Advance = { pending: [], events: [] };

const joined = (...advances: readonly Advance[]): Advance => ({
  pending: advances.flatMap((advance) => advance.pending),
  events: advances.flatMap((advance) => advance.events),
});

/**
 * A loop's answer (its list, by port `body`) as stored: `waiting` with its progress while its
 * iterations run (invariant "suspended steps"), or done at once with `[]` for an empty list.
 */
function loopStartResult(node: CompiledNode, result: StepResult): StepResult {
  if (!isLoop(node.definition) || result.status !== 'succeeded' || result.port !== 'body') return result;
  const items = Array.isArray(result.output) ? result.output : [];
  if (items.length === 0) return { status: 'succeeded', output: [], port: 'done' };
  return {
    status: 'waiting',
    wait: loopStarted(items.length),
    output: result.output,
    ...(result.truncatedOutput !== undefined ? { truncatedOutput: result.truncatedOutput } : {}),
  };
}

/**
 * A step failed for good. At the top, the run fails (the guarded run end, invariant "one end").
 * Inside a loop's body, its loop's `onItemError` decides: `stop` fails the loop's step at once,
 * which fails whatever holds it in turn; `skip` and `collect` let the iteration end, failed, once
 * nothing else of it is in flight.
 */
function failedForGood(
  records: RunRecords,
  graph: CompiledGraph,
  step: StepId,
  node: CompiledNode,
  error: RunError,
  at: string,
): Advance {
  if (node.loop === undefined) {
    if (!records.endRun(step.executionId, 'failed', error)) return NOTHING;
    return { pending: [], events: [{ type: 'run', executionId: step.executionId, status: 'failed', at }] };
  }
  const body = graph.loops.get(node.loop) as LoopBody;
  const frame = frameOf(graph, node, step.scope);
  if ((body.loop.config as LoopConfig).onItemError !== 'stop') {
    return advanceExecution(records, graph, step.executionId, at, step);
  }
  const loopStep = waitingLoopStep(records, step.executionId, body.loop, loopScopeOf(frame.scope));
  if (!loopStep) return NOTHING;
  const index = iterationIndex(frame.scope);
  records.recordIteration(loopStep, { index, status: 'failed', error });
  const loopError = itemError(body.loop, index, error);
  const message = { name: 'LoopItemFailed', message: loopError.message };
  if (!recordResumed(records, loopStep, { status: 'failed', error: message })) return NOTHING;
  const failed = failedForGood(records, graph, loopStep, body.loop, loopError, at);
  return joined({ pending: [], events: [{ type: 'step', ...loopStep, status: 'failed', at }] }, failed);
}

/** The loop's step in `scope`, while it waits for its iterations. */
function waitingLoopStep(
  records: RunRecords,
  executionId: string,
  loop: CompiledNode,
  scope: Scope,
): StepId | undefined {
  const ref = { executionId, nodeId: loop.node.id, scope };
  const latest = records.latestAttempt(ref).state;
  return latest?.status === 'waiting' ? { ...ref, attempt: latest.attempt } : undefined;
}

/**
 * Starts the iterations a loop's settings allow now, records those a resumed retry finds
 * complete already (their steps were copied), and completes the loop when every one has ended.
 */
function continueLoop(
  records: RunRecords,
  graph: CompiledGraph,
  loopStep: StepId,
  progress: LoopProgress,
  at: string,
): Advance {
  const body = graph.loops.get(loopStep.nodeId) as LoopBody;
  const config = body.loop.config as LoopConfig;
  const advances: Advance[] = [];
  let current = progress;
  for (;;) {
    const next = nextIterations(current, config, at);
    current = next.progress;
    let ended = 0;
    for (const { index, startAt } of next.starts) {
      const scope = iterationScope(loopStep.scope, index);
      const states = current.copied ? records.stepStates(loopStep.executionId, scope) : new Map<StepKey, StepState>();
      if (states.size === 0) {
        advances.push({ pending: [iterationStart(body.start, scope, startAt)], events: [] });
        continue;
      }
      // A retry that resumes copied this iteration's steps that had succeeded: plan from them.
      const frame: Frame = { loop: body.loop, scope };
      const planned = advanceFrame(records, graph, loopStep.executionId, at, frame, states, undefined, startAt);
      advances.push(planned.advance);
      if (
        planned.outcome !== 'running' &&
        recordIterationEnd(records, graph, loopStep.executionId, body, frame, planned.outcome, planned.states)
      ) {
        ended++;
      }
    }
    current = { ...current, ended: current.ended + ended };
    if (ended === 0 || current.ended === current.total) break;
  }
  if (current.ended === current.total) return joined(...advances, completeLoop(records, graph, loopStep, at));
  records.setLoopProgress(loopStep, current);
  return joined(...advances);
}

/** Whether a retry that resumes copied steps of this loop's iterations (their body starts that succeeded). */
function copiedIterations(records: RunRecords, graph: CompiledGraph, loopStep: StepId): { copied?: true } {
  const body = graph.loops.get(loopStep.nodeId) as LoopBody;
  return records.endOutputs(loopStep.executionId, body.start.node.id, loopStep.scope).size > 0 ? { copied: true } : {};
}

/** Records how an iteration ended (once); false when it was recorded already. */
function recordIterationEnd(
  records: RunRecords,
  graph: CompiledGraph,
  executionId: string,
  body: LoopBody,
  frame: Frame,
  outcome: 'succeeded' | 'failed',
  states: ReadonlyMap<StepKey, StepState>,
): boolean {
  const index = iterationIndex(frame.scope);
  const loop = { executionId, nodeId: body.loop.node.id, scope: loopScopeOf(frame.scope) };
  if (outcome === 'failed') {
    const failure = records.failureIn(executionId, frame.scope);
    const node = failure && graph.nodes.get(failure.nodeId);
    const message = (failure?.error as { message?: string } | null | undefined)?.message ?? 'failed';
    const error: RunError = { message, ...(node ? { nodeId: node.node.id, nodeName: node.node.name } : {}) };
    return records.recordIteration(loop, { index, status: 'failed', error });
  }
  const end = body.end && states.get(stepKey(body.end.node.id, frame.scope));
  return records.recordIteration(loop, { index, status: end?.status === 'succeeded' ? 'succeeded' : 'skipped' });
}

/**
 * Every iteration has ended: the loop's step is resumed (invariant "suspended steps") by `done`
 * with its output, and the frame that holds it advances from it, as from any finished step.
 */
function completeLoop(records: RunRecords, graph: CompiledGraph, loopStep: StepId, at: string): Advance {
  const body = graph.loops.get(loopStep.nodeId) as LoopBody;
  const config = body.loop.config as LoopConfig;
  const outputs = body.end
    ? records.endOutputs(loopStep.executionId, body.end.node.id, loopStep.scope)
    : new Map<number, unknown>();
  const output = loopOutput(records.iterations(loopStep), (index) => outputs.get(index), config.onItemError);
  const marker = records.displayCap?.(output);
  const result: StepResult = {
    status: 'succeeded',
    output,
    port: 'done',
    ...(marker !== undefined ? { truncatedOutput: marker } : {}),
  };
  if (!recordResumed(records, loopStep, result)) return NOTHING;
  const advance = advanceExecution(records, graph, loopStep.executionId, at, loopStep);
  return joined({ pending: [], events: [{ type: 'step', ...loopStep, status: 'succeeded', at }] }, advance);
}

/** What advancing a run from its states decides (pure): skips to record, its outcome, the steps due. */
export interface AdvancePlan {
  readonly skipped: PlannedStep[];
  readonly outcome: 'running' | 'succeeded' | 'failed';
  readonly pending: PendingStep[];
}

/**
 * Plans one frame's advance from its stored states: branches not taken are skipped
 * (transitively), the frame (the run, at the top) ends when nothing is pending, else the pending
 * steps are listed. With a `changed` step (one that just succeeded) only the steps it or the skips
 * it caused made ready are listed (invariant "successor filter"): those made ready earlier were
 * queued then. `startAt` holds an iteration's first step back (a loop's pause between batches).
 */
export function planAdvance(
  graph: CompiledGraph,
  stored: ReadonlyMap<StepKey, StepState>,
  changed?: PlannedStep,
  frame: Frame = TOP_FRAME,
  startAt?: string,
): AdvancePlan {
  const skipped = newlySkipped(graph, stored, frame);
  const states = new Map(stored);
  for (const step of skipped) states.set(stepKey(step.nodeId, step.scope), { status: 'skipped' });
  const outcome = frame.loop === undefined ? runOutcome(graph, states) : frameOutcome(graph, frame, states, startAt);
  if (outcome !== 'running') return { skipped, outcome, pending: [] };
  const pending = pendingSteps(graph, states, frame, startAt);
  if (changed === undefined) return { skipped, outcome, pending };
  const sources = new Set([changed, ...skipped].map((step) => stepKey(step.nodeId, step.scope)));
  return {
    skipped,
    outcome,
    pending: pending.filter((step) =>
      parentKeys(graph, graph.nodes.get(step.nodeId) as CompiledNode, step.scope).some((key) => sources.has(key)),
    ),
  };
}

/**
 * Plans one frame from `stored` and records its skips; at the top, ends the run when nothing is
 * pending in any scope. Answers what to queue, with the frame's outcome and states after skips.
 */
function advanceFrame(
  records: RunRecords,
  graph: CompiledGraph,
  executionId: string,
  at: string,
  frame: Frame,
  stored: ReadonlyMap<StepKey, StepState>,
  changed?: PlannedStep,
  startAt?: string,
): { advance: Advance; outcome: AdvancePlan['outcome']; states: Map<StepKey, StepState> } {
  const plan = planAdvance(graph, stored, changed, frame, startAt);
  const events: EngineEvent[] = [];
  const states = new Map(stored);
  if (plan.skipped.length > 0) {
    records.insertSkipped(executionId, plan.skipped);
    for (const step of plan.skipped) {
      states.set(stepKey(step.nodeId, step.scope), { status: 'skipped' });
      events.push({ type: 'step', executionId, ...step, attempt: 1, status: 'skipped', at });
    }
  }
  if (frame.loop === undefined && plan.outcome === 'succeeded' && topSettled(records, graph, executionId)) {
    if (records.endRun(executionId, 'succeeded')) events.push({ type: 'run', executionId, status: 'succeeded', at });
  }
  return { advance: { pending: plan.pending, events }, outcome: plan.outcome, states };
}

/**
 * Whether nothing of a run whose top level is done is still pending in any scope: read once, at
 * the end, so a step's finish never loads the whole run. Steps of loop bodies are left to their
 * loops (a loop's step waits while any runs); steps of top-level nodes in other scopes count.
 */
function topSettled(records: RunRecords, graph: CompiledGraph, executionId: string): boolean {
  const all = records.stepStates(executionId);
  for (const key of all.keys()) if (graph.nodes.get(parseStepKey(key).nodeId)?.loop !== undefined) all.delete(key);
  return runOutcome(graph, all) === 'succeeded';
}

/**
 * Moves a running execution forward from what is stored: records the skips, ends the run when
 * nothing is pending, and lists the steps to queue. Runs inside the caller's transaction;
 * idempotent, so it is also how a step left half-finished by a crash is recovered. With a
 * `changed` step (one that just succeeded or failed) only its frame is planned, from its own
 * scope's steps; when that ends an iteration, its loop goes on (and, when done, the frame
 * holding the loop). Without one, every frame of the run is planned.
 */
export function advanceExecution(
  records: RunRecords,
  graph: CompiledGraph,
  executionId: string,
  at: string,
  /** The step that just succeeded: only what it (and skips it caused) made ready is listed. */
  changed?: PlannedStep,
): Advance {
  if (changed === undefined) return advanceEverything(records, graph, executionId, at);
  const node = graph.nodes.get(changed.nodeId) as CompiledNode;
  const frame = frameOf(graph, node, changed.scope);
  const planned = advanceFrame(
    records,
    graph,
    executionId,
    at,
    frame,
    records.stepStates(executionId, frame.scope),
    changed,
  );
  const advance =
    frame.loop === undefined || planned.outcome === 'running'
      ? planned.advance
      : joined(planned.advance, iterationEnded(records, graph, executionId, frame, planned, at));
  return withRunWaiting(records, graph, executionId, at, advance);
}

/**
 * A run that goes on with nothing to queue next may be left with suspended steps only: its status
 * becomes `waiting` then (invariant "suspended steps"). The whole run is read only at such a quiet
 * point, never while a step has successors to queue (a loop's iterations always do).
 */
function withRunWaiting(
  records: RunRecords,
  graph: CompiledGraph,
  executionId: string,
  at: string,
  advance: Advance,
): Advance {
  if (advance.pending.some((step) => !step.timer) || advance.events.some((event) => event.type === 'run')) {
    return advance;
  }
  if (!onlyWaiting(graph, records.stepStates(executionId)) || !records.suspendRun(executionId)) return advance;
  return { ...advance, events: [...advance.events, { type: 'run', executionId, status: 'waiting', at }] };
}

/** An iteration's frame stopped running: record it, and let its loop go on. */
function iterationEnded(
  records: RunRecords,
  graph: CompiledGraph,
  executionId: string,
  frame: Frame,
  planned: { outcome: AdvancePlan['outcome']; states: Map<StepKey, StepState> },
  at: string,
): Advance {
  const body = graph.loops.get((frame.loop as CompiledNode).node.id) as LoopBody;
  const loopStep = waitingLoopStep(records, executionId, body.loop, loopScopeOf(frame.scope));
  if (!loopStep || planned.outcome === 'running') return NOTHING;
  if (!recordIterationEnd(records, graph, executionId, body, frame, planned.outcome, planned.states)) return NOTHING;
  const progress = records.loopProgress(loopStep);
  if (!progress) return NOTHING;
  return continueLoop(records, graph, loopStep, { ...progress, ended: progress.ended + 1 }, at);
}

/**
 * Plans every frame of a run (settling a stale job, reconciling, resuming a retry): the top
 * level from its top-level nodes' steps in any scope, then each waiting loop's iterations that
 * started and have not ended. Each iteration found ended is recorded and its loop goes on.
 */
function advanceEverything(records: RunRecords, graph: CompiledGraph, executionId: string, at: string): Advance {
  const all = records.stepStates(executionId);
  const top = new Map<StepKey, StepState>();
  const byScope = new Map<Scope, Map<StepKey, StepState>>();
  const waitingLoops: StepId[] = [];
  for (const [key, state] of all) {
    const step = parseStepKey(key);
    const node = graph.nodes.get(step.nodeId);
    if (!node) continue;
    if (node.loop === undefined) top.set(key, state);
    else {
      const scoped = byScope.get(step.scope) ?? new Map<StepKey, StepState>();
      byScope.set(step.scope, scoped);
      scoped.set(key, state);
    }
    if (state.status === 'waiting' && isLoop(node.definition)) {
      waitingLoops.push({ executionId, ...step, attempt: state.attempt });
    }
  }
  const advances: Advance[] = [advanceFrame(records, graph, executionId, at, TOP_FRAME, top).advance];
  for (const found of waitingLoops) {
    // Completed meanwhile, by an iteration planned before it: nothing left to plan.
    const loopStep = waitingLoopStep(records, executionId, graph.nodes.get(found.nodeId) as CompiledNode, found.scope);
    const progress = loopStep && records.loopProgress(loopStep);
    if (!loopStep || !progress) continue;
    const body = graph.loops.get(loopStep.nodeId) as LoopBody;
    const ended = new Set(records.iterations(loopStep).map((iteration) => iteration.index));
    for (let index = 0; index < progress.started; index++) {
      if (ended.has(index)) continue;
      const frame: Frame = { loop: body.loop, scope: iterationScope(loopStep.scope, index) };
      const startAt = progress.batchAt !== undefined && progress.batchAt > at ? progress.batchAt : undefined;
      const stored = byScope.get(frame.scope) ?? new Map<StepKey, StepState>();
      const planned = advanceFrame(records, graph, executionId, at, frame, stored, undefined, startAt);
      advances.push(planned.advance);
      if (planned.outcome !== 'running') advances.push(iterationEnded(records, graph, executionId, frame, planned, at));
    }
  }
  const planned = joined(...advances);
  const seen = new Set<string>();
  const pending = planned.pending.filter((step) => {
    const key = `${stepKey(step.nodeId, step.scope)}:${step.attempt}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return withRunWaiting(records, graph, executionId, at, { pending, events: planned.events });
}

/**
 * What an unfinished run needs queued, from what is stored (invariant "reconcile at start"): the
 * steps that are ready, the retries that are due, the attempts left running, and the timers of
 * suspended steps that time resumes (their jobs, if they still exist, are not duplicated:
 * invariant "job keys"). Other suspended steps get nothing: whatever they wait for resumes them
 * (invariant "suspended steps").
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
