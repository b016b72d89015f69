import { parseStepKey, type Scope, type StepKey, stepKey, TOP_SCOPE } from '../../../nodes/step.ts';
import type { CompiledGraph, CompiledNode } from './compile.ts';

/**
 * The latest attempt of one step (a node in a scope), as the engine needs it to decide what runs
 * next. `retrying` is a failed attempt with another one scheduled; `failed` is final. `waiting` is
 * a step suspended on something outside it (a loop's iterations, a wait, a sub-workflow, an
 * approval): it holds no job and no worker, and is completed once, later, by `RunStore.resumeWaiting`
 * (docs/architecture.md, invariant "suspended steps").
 * A failure its node's settings handled (stored `failed`, marked handled) is `succeeded` here with
 * `handled: true`: the run goes on from it by its port, and the run's outcome ignores it.
 */
export type StepState =
  | { readonly status: 'running'; readonly attempt: number }
  | {
      readonly status: 'waiting';
      readonly attempt: number;
      /** When a timer resumes it (`Wait.timer.at`), if one does: reconciling queues that timer again. */
      readonly timerAt?: string;
    }
  | { readonly status: 'retrying'; readonly attempt: number; readonly retryAt: string }
  | {
      readonly status: 'succeeded';
      readonly attempt: number;
      readonly port: string;
      readonly continueAt?: string;
      readonly handled?: true;
    }
  | { readonly status: 'failed'; readonly attempt: number }
  | { readonly status: 'skipped' }
  | { readonly status: 'canceled' };

/** The states of one execution's steps, keyed by `stepKey(node, scope)`. */
export type StepStates = ReadonlyMap<StepKey, StepState>;

/** A step that should have a job: its first attempt once its inputs are ready, or a scheduled retry. */
export interface PendingStep {
  readonly nodeId: string;
  readonly scope: Scope;
  readonly attempt: number;
  /** ISO time before which it must not start (a delay upstream, or retry backoff); undefined = now. */
  readonly runAt?: string;
  /** Not a run of the step: the timer that resumes its suspended attempt at `runAt` (Wait.timer). */
  readonly timer?: true;
}

/** A step of the execution being planned, without its attempt. */
export interface PlannedStep {
  readonly nodeId: string;
  readonly scope: Scope;
}

/**
 * Where planning looks: one frame of the graph (the top level, or a loop's body) in one scope
 * (`''` at the top; an iteration's scope, such as `"3"` or `"3/7"`, in a body). Steps of other
 * frames are planned apart, so a step's finish reads only its own iteration's steps.
 */
export interface Frame {
  /** The loop whose body this is; undefined for the top level. */
  readonly loop?: CompiledNode;
  readonly scope: Scope;
}

export const TOP_FRAME: Frame = { scope: TOP_SCOPE };

/**
 * The scope of `node`'s step as seen from a step in `scope`: the part of the iteration path that
 * belongs to the loops around `node` (as many parts as frames hold it). A node inside a body reads
 * this iteration's steps of its own body, and the enclosing iterations' steps of the frames outside.
 */
export function scopeOf(_graph: CompiledGraph, node: CompiledNode, scope: Scope): Scope {
  if (node.depth === 0 || scope === TOP_SCOPE) return TOP_SCOPE;
  let end = -1;
  for (let part = 0; part < node.depth; part++) {
    end = scope.indexOf('/', end + 1);
    if (end < 0) return scope;
  }
  return scope.slice(0, end);
}

/** The frame `node`'s step in `scope` belongs to. */
export function frameOf(graph: CompiledGraph, node: CompiledNode, scope: Scope): Frame {
  if (node.loop === undefined) return TOP_FRAME;
  return { loop: graph.nodes.get(node.loop) as CompiledNode, scope: scopeOf(graph, node, scope) };
}

/** The parent steps whose states decide whether `node`'s step in `scope` is ready, one per inbound edge of its frame. */
export function parentSteps(graph: CompiledGraph, node: CompiledNode, scope: Scope): PlannedStep[] {
  return node.frameInbound.map((edge) => ({
    nodeId: edge.source,
    scope: scopeOf(graph, graph.nodes.get(edge.source) as CompiledNode, scope),
  }));
}

/** `parentSteps` as map keys. */
export const parentKeys = (graph: CompiledGraph, node: CompiledNode, scope: Scope): StepKey[] =>
  parentSteps(graph, node, scope).map((step) => stepKey(step.nodeId, step.scope));

/** A step not settled yet: it runs, waits for its retry, or is suspended. */
export const inFlight = (state: StepState): boolean =>
  state.status === 'running' || state.status === 'retrying' || state.status === 'waiting';

/** A loop body's first node: its input is its iteration's item, not a parent's output. */
export const isBodyStart = (node: CompiledNode): boolean => node.loop !== undefined && node.frameInbound.length === 0;

type Inputs = { kind: 'unresolved' } | { kind: 'live'; parents: StepKey[] } | { kind: 'dead' };

/** Whether every inbound edge of `node`'s step in `scope` is settled, and which parents' outputs flow into it. */
function inputsOf(graph: CompiledGraph, node: CompiledNode, scope: Scope, states: StepStates): Inputs {
  // An iteration is planned only once it has started, and its start needs nothing else.
  if (isBodyStart(node)) return { kind: 'live', parents: [] };
  const live: StepKey[] = [];
  const keys = parentKeys(graph, node, scope);
  for (const [index, edge] of node.frameInbound.entries()) {
    const key = keys[index] as StepKey;
    const state = states.get(key);
    if (!state || inFlight(state)) return { kind: 'unresolved' };
    if (state.status === 'succeeded' && state.port === edge.sourcePort && !live.includes(key)) live.push(key);
  }
  return live.length > 0 ? { kind: 'live', parents: live } : { kind: 'dead' };
}

/** The steps of one frame the planner considers for first attempts: its nodes, in its scope. */
function plannedSteps(graph: CompiledGraph, frame: Frame): Array<{ node: CompiledNode; scope: Scope }> {
  return (graph.frames.get(frame.loop?.node.id ?? '') ?? []).map((node) => ({ node, scope: frame.scope }));
}

/**
 * Steps that will never run because every branch into them was not taken (or was itself
 * skipped, or failed in an iteration that goes on to its end). Marking them lets merges stop
 * waiting for them. Follows skips transitively, within one frame.
 */
export function newlySkipped(graph: CompiledGraph, states: StepStates, frame: Frame = TOP_FRAME): PlannedStep[] {
  const assumed = new Map(states);
  const skipped: PlannedStep[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const { node, scope } of plannedSteps(graph, frame)) {
      const key = stepKey(node.node.id, scope);
      if (node === graph.trigger || assumed.has(key)) continue;
      if (inputsOf(graph, node, scope, assumed).kind === 'dead') {
        assumed.set(key, { status: 'skipped' });
        skipped.push({ nodeId: node.node.id, scope });
        changed = true;
      }
    }
  }
  return skipped;
}

/** Whether a step of the frame failed for good: an iteration that did starts nothing new. */
const frameFailed = (graph: CompiledGraph, frame: Frame, states: StepStates): boolean =>
  frame.loop !== undefined &&
  plannedSteps(graph, frame).some(({ node, scope }) => states.get(stepKey(node.node.id, scope))?.status === 'failed');

/**
 * Every step that should be queued now, given the states (after skips are recorded): steps of the
 * frame whose inputs are all settled with at least one live, and failed attempts with a retry due
 * (any the states hold). Pure and idempotent, so a worker that crashed between recording a result
 * and queueing successors can simply compute it again. `startAt` holds an iteration's start back
 * (a loop's pause between batches).
 */
export function pendingSteps(
  graph: CompiledGraph,
  states: StepStates,
  frame: Frame = TOP_FRAME,
  startAt?: string,
): PendingStep[] {
  const pending: PendingStep[] = [];
  const planned = new Set<StepKey>();
  for (const [key, state] of states) {
    if (state.status !== 'retrying') continue;
    pending.push({ ...parseStepKey(key), attempt: state.attempt + 1, runAt: state.retryAt });
    planned.add(key);
  }
  if (frameFailed(graph, frame, states)) return pending;
  for (const { node, scope } of plannedSteps(graph, frame)) {
    const key = stepKey(node.node.id, scope);
    if (planned.has(key) || states.has(key)) continue;
    if (node === graph.trigger) {
      pending.push({ nodeId: node.node.id, scope, attempt: 1 });
      continue;
    }
    const inputs = inputsOf(graph, node, scope, states);
    if (inputs.kind !== 'live') continue;
    const runAt = [
      ...inputs.parents.map((parent) => continueAtOf(states.get(parent))),
      isBodyStart(node) ? startAt : undefined,
    ]
      .filter((time): time is string => time !== undefined)
      .sort()
      .pop();
    pending.push({ nodeId: node.node.id, scope, attempt: 1, ...(runAt ? { runAt } : {}) });
  }
  return pending;
}

const continueAtOf = (state: StepState | undefined): string | undefined =>
  state?.status === 'succeeded' ? state.continueAt : undefined;

export type RunOutcome = 'running' | 'succeeded' | 'failed';

/** A run ends when nothing is pending: no step running, retrying, waiting, or ready to start, in any scope. */
export function runOutcome(graph: CompiledGraph, states: StepStates): RunOutcome {
  for (const state of states.values()) if (state.status === 'failed') return 'failed';
  for (const state of states.values()) if (inFlight(state)) return 'running';
  return pendingSteps(graph, states).length > 0 ? 'running' : 'succeeded';
}

/**
 * How one frame stands: `running` while a step of it is in flight or ready; else `failed` when a
 * step of it failed for good, else `succeeded`. An iteration ends when its frame stops running.
 */
export function frameOutcome(graph: CompiledGraph, frame: Frame, states: StepStates, startAt?: string): RunOutcome {
  if (frame.loop === undefined) return runOutcome(graph, states);
  let failed = false;
  for (const { node, scope } of plannedSteps(graph, frame)) {
    const state = states.get(stepKey(node.node.id, scope));
    if (state && inFlight(state)) return 'running';
    if (state?.status === 'failed') failed = true;
  }
  if (pendingSteps(graph, states, frame, startAt).length > 0) return 'running';
  return failed ? 'failed' : 'succeeded';
}

/**
 * Whether a run that goes on is only waiting: it has suspended steps, every unfinished step is
 * suspended, and nothing is ready or scheduled to start. Its status is then `waiting`
 * (docs/architecture.md, invariant "suspended steps").
 */
export function onlyWaiting(graph: CompiledGraph, states: StepStates): boolean {
  let suspended = false;
  for (const state of states.values()) {
    if (state.status === 'waiting') suspended = true;
    else if (inFlight(state)) return false;
  }
  return suspended && pendingSteps(graph, states).length === 0;
}

/** The timers of a run's suspended steps that time resumes: reconciling queues them again. */
export function waitTimers(states: StepStates): PendingStep[] {
  const timers: PendingStep[] = [];
  for (const [key, state] of states) {
    if (state.status !== 'waiting' || state.timerAt === undefined) continue;
    timers.push({ ...parseStepKey(key), attempt: state.attempt, runAt: state.timerAt, timer: true });
  }
  return timers;
}

/**
 * The input of a step: the trigger payload for the trigger, the one live parent's output for an
 * ordinary node, and `{ <parent name>: output }` of the live parents for a node that joins branches.
 */
export function stepInput(
  graph: CompiledGraph,
  step: PlannedStep,
  states: StepStates,
  outputOf: (key: StepKey) => unknown,
  triggerPayload: unknown,
): unknown {
  const node = graph.nodes.get(step.nodeId);
  if (!node) throw new Error(`no node ${step.nodeId}`);
  if (node === graph.trigger) return triggerPayload ?? {};
  if (isBodyStart(node)) throw new Error(`${node.node.name} starts a loop body: its input is its iteration's item`);
  const inputs = inputsOf(graph, node, step.scope, states);
  if (inputs.kind !== 'live') throw new Error(`inputs of ${node.node.name} are not ready`);
  if (node.definition.acceptsManyInputs) {
    return Object.fromEntries(
      inputs.parents.map((parent) => {
        const parentNode = graph.nodes.get(parseStepKey(parent).nodeId) as CompiledNode;
        return [parentNode.node.name, outputOf(parent)];
      }),
    );
  }
  const [parent] = inputs.parents;
  return parent ? outputOf(parent) : undefined;
}
