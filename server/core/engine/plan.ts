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
 * The scope of `node`'s step as seen from a step in `scope`: the part of the iteration path that
 * belongs to the loops around `node`. No node sits inside a loop yet, so every node's step is at
 * the top; `flow.loop` (the next issue) makes this the prefix of `scope` as deep as the node's
 * loop frames. Steps in other scopes exist only when something creates them (a loop; tests).
 */
export function scopeOf(_graph: CompiledGraph, _node: CompiledNode, _scope: Scope): Scope {
  return TOP_SCOPE;
}

/** The parent steps whose states decide whether `node`'s step in `scope` is ready, one per inbound edge. */
export function parentSteps(graph: CompiledGraph, node: CompiledNode, scope: Scope): PlannedStep[] {
  return node.inbound.map((edge) => ({
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

type Inputs = { kind: 'unresolved' } | { kind: 'live'; parents: StepKey[] } | { kind: 'dead' };

/** Whether every inbound edge of `node`'s step in `scope` is settled, and which parents' outputs flow into it. */
function inputsOf(graph: CompiledGraph, node: CompiledNode, scope: Scope, states: StepStates): Inputs {
  const live: StepKey[] = [];
  const keys = parentKeys(graph, node, scope);
  for (const [index, edge] of node.inbound.entries()) {
    const key = keys[index] as StepKey;
    const state = states.get(key);
    if (!state || inFlight(state)) return { kind: 'unresolved' };
    if (state.status === 'succeeded' && state.port === edge.sourcePort && !live.includes(key)) live.push(key);
  }
  return live.length > 0 ? { kind: 'live', parents: live } : { kind: 'dead' };
}

/** The steps the planner considers for first attempts: every node at the top scope (loops add theirs). */
function plannedSteps(graph: CompiledGraph): Array<{ node: CompiledNode; scope: Scope }> {
  return [...graph.nodes.values()].map((node) => ({ node, scope: scopeOf(graph, node, TOP_SCOPE) }));
}

/**
 * Steps that will never run because every branch into them was not taken (or was itself
 * skipped). Marking them lets merges stop waiting for them. Follows skips transitively.
 */
export function newlySkipped(graph: CompiledGraph, states: StepStates): PlannedStep[] {
  const assumed = new Map(states);
  const skipped: PlannedStep[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const { node, scope } of plannedSteps(graph)) {
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

/**
 * Every step that should be queued now, given the states (after skips are recorded): steps whose
 * inputs are all settled with at least one live, and failed attempts with a retry due (in any
 * scope). Pure and idempotent, so a worker that crashed between recording a result and queueing
 * successors can simply compute it again.
 */
export function pendingSteps(graph: CompiledGraph, states: StepStates): PendingStep[] {
  const pending: PendingStep[] = [];
  const planned = new Set<StepKey>();
  for (const [key, state] of states) {
    if (state.status !== 'retrying') continue;
    pending.push({ ...parseStepKey(key), attempt: state.attempt + 1, runAt: state.retryAt });
    planned.add(key);
  }
  for (const { node, scope } of plannedSteps(graph)) {
    const key = stepKey(node.node.id, scope);
    if (planned.has(key) || states.has(key)) continue;
    if (node === graph.trigger) {
      pending.push({ nodeId: node.node.id, scope, attempt: 1 });
      continue;
    }
    const inputs = inputsOf(graph, node, scope, states);
    if (inputs.kind !== 'live') continue;
    const runAt = inputs.parents
      .map((parent) => {
        const parentState = states.get(parent);
        return parentState?.status === 'succeeded' ? parentState.continueAt : undefined;
      })
      .filter((time): time is string => time !== undefined)
      .sort()
      .pop();
    pending.push({ nodeId: node.node.id, scope, attempt: 1, ...(runAt ? { runAt } : {}) });
  }
  return pending;
}

export type RunOutcome = 'running' | 'succeeded' | 'failed';

/** A run ends when nothing is pending: no step running, retrying, waiting, or ready to start, in any scope. */
export function runOutcome(graph: CompiledGraph, states: StepStates): RunOutcome {
  for (const state of states.values()) if (state.status === 'failed') return 'failed';
  for (const state of states.values()) if (inFlight(state)) return 'running';
  return pendingSteps(graph, states).length > 0 ? 'running' : 'succeeded';
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
