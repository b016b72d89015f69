import type { CompiledGraph, CompiledNode } from './compile.ts';

/**
 * The latest attempt of one node in one execution, as the engine needs it to decide what runs
 * next. `waiting` is a failed attempt with a retry scheduled; `failed` is final.
 */
export type StepState =
  | { readonly status: 'running'; readonly attempt: number }
  | { readonly status: 'waiting'; readonly attempt: number; readonly retryAt: string }
  | { readonly status: 'succeeded'; readonly attempt: number; readonly port: string; readonly continueAt?: string }
  | { readonly status: 'failed'; readonly attempt: number }
  | { readonly status: 'skipped' }
  | { readonly status: 'canceled' };

export type StepStates = ReadonlyMap<string, StepState>;

/** A step that should have a job: its first attempt once its inputs are ready, or a scheduled retry. */
export interface PendingStep {
  readonly nodeId: string;
  readonly attempt: number;
  /** ISO time before which it must not start (a delay upstream, or retry backoff); undefined = now. */
  readonly runAt?: string;
}

type Inputs = { kind: 'unresolved' } | { kind: 'live'; parents: CompiledNode[] } | { kind: 'dead' };

/** Whether every inbound edge of `node` is settled, and which parents' outputs flow into it. */
function inputsOf(graph: CompiledGraph, node: CompiledNode, states: StepStates): Inputs {
  const live: CompiledNode[] = [];
  for (const edge of node.inbound) {
    const state = states.get(edge.source);
    if (!state || state.status === 'running' || state.status === 'waiting') return { kind: 'unresolved' };
    if (state.status === 'succeeded' && state.port === edge.sourcePort) {
      const parent = graph.nodes.get(edge.source);
      if (parent && !live.includes(parent)) live.push(parent);
    }
  }
  return live.length > 0 ? { kind: 'live', parents: live } : { kind: 'dead' };
}

/**
 * Nodes that will never run because every branch into them was not taken (or was itself
 * skipped). Marking them lets merges stop waiting for them. Follows skips transitively.
 */
export function newlySkipped(graph: CompiledGraph, states: StepStates): string[] {
  const assumed = new Map(states);
  const skipped: string[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of graph.nodes.values()) {
      if (node === graph.trigger || assumed.has(node.node.id)) continue;
      if (inputsOf(graph, node, assumed).kind === 'dead') {
        assumed.set(node.node.id, { status: 'skipped' });
        skipped.push(node.node.id);
        changed = true;
      }
    }
  }
  return skipped;
}

/**
 * Every step that should be queued now, given the states (after skips are recorded): nodes whose
 * inputs are all settled with at least one live, and failed attempts with a retry due. Pure and
 * idempotent, so a worker that crashed between recording a result and queueing successors can
 * simply compute it again.
 */
export function pendingSteps(graph: CompiledGraph, states: StepStates): PendingStep[] {
  const pending: PendingStep[] = [];
  for (const node of graph.nodes.values()) {
    const state = states.get(node.node.id);
    if (state?.status === 'waiting') {
      pending.push({ nodeId: node.node.id, attempt: state.attempt + 1, runAt: state.retryAt });
      continue;
    }
    if (state) continue;
    if (node === graph.trigger) {
      pending.push({ nodeId: node.node.id, attempt: 1 });
      continue;
    }
    const inputs = inputsOf(graph, node, states);
    if (inputs.kind !== 'live') continue;
    const runAt = inputs.parents
      .map((parent) => {
        const parentState = states.get(parent.node.id);
        return parentState?.status === 'succeeded' ? parentState.continueAt : undefined;
      })
      .filter((time): time is string => time !== undefined)
      .sort()
      .pop();
    pending.push({ nodeId: node.node.id, attempt: 1, ...(runAt ? { runAt } : {}) });
  }
  return pending;
}

export type RunOutcome = 'running' | 'succeeded' | 'failed';

/** A run ends when nothing is pending: no step running, waiting, or ready to start. */
export function runOutcome(graph: CompiledGraph, states: StepStates): RunOutcome {
  for (const state of states.values()) if (state.status === 'failed') return 'failed';
  for (const state of states.values()) if (state.status === 'running' || state.status === 'waiting') return 'running';
  return pendingSteps(graph, states).length > 0 ? 'running' : 'succeeded';
}

/**
 * The input of a step: the trigger payload for the trigger, the one live parent's output for an
 * ordinary node, and `{ <parent name>: output }` of the live parents for a node that joins branches.
 */
export function stepInput(
  graph: CompiledGraph,
  nodeId: string,
  states: StepStates,
  outputOf: (nodeId: string) => unknown,
  triggerPayload: unknown,
): unknown {
  const node = graph.nodes.get(nodeId);
  if (!node) throw new Error(`no node ${nodeId}`);
  if (node === graph.trigger) return triggerPayload ?? {};
  const inputs = inputsOf(graph, node, states);
  if (inputs.kind !== 'live') throw new Error(`inputs of ${node.node.name} are not ready`);
  if (node.definition.acceptsManyInputs) {
    return Object.fromEntries(inputs.parents.map((parent) => [parent.node.name, outputOf(parent.node.id)]));
  }
  const [parent] = inputs.parents;
  return parent ? outputOf(parent.node.id) : undefined;
}
