import { TOP_SCOPE } from '../../../nodes/step.ts';
import type { Graph } from '../graph/model.ts';

/*
 * What a finished run's result is, defined once (docs/architecture.md, "A run's result"): the
 * webhook's "last node" answer reports it, and sub-workflows will return it.
 */

/** A stored step attempt, as the result names it. */
export interface ResultStep {
  readonly nodeId: string;
  readonly scope: string;
  readonly attempt: number;
}

export type WorkflowResult =
  /** The step that answered the run's webhook (its first Respond to webhook step stored): its output. */
  | { readonly kind: 'respond'; readonly step: ResultStep }
  /** Else the output of the run's last succeeded top-level step in graph order. */
  | { readonly kind: 'last-step'; readonly step: ResultStep }
  /** Nothing succeeded. */
  | { readonly kind: 'none' };

/**
 * The graph's nodes in graph order: a topological order of its edges (every node after the nodes
 * that lead to it), ties broken by the nodes' order in `graph.nodes`. Never by when steps finished:
 * the same graph gives the same order on every run. A loop's body (the nodes inside its frame)
 * comes right after the loop and before what follows the loop: a body's return edge (from inside
 * the frame to its loop) is not a cycle, and what leaves the loop waits for its body too. Nodes on
 * a cycle (an invalid graph) come last, in `graph.nodes` order.
 */
export function graphOrder(graph: Pick<Graph, 'nodes' | 'edges'>): string[] {
  const index = new Map(graph.nodes.map((node, position) => [node.id, position]));
  const parentOf = new Map(graph.nodes.map((node) => [node.id, node.parentId]));
  /** Whether `node` is inside `frame`'s frame, at any depth. */
  const inside = (node: string, frame: string) => {
    const seen = new Set<string>();
    for (let at = parentOf.get(node); at !== undefined && !seen.has(at); at = parentOf.get(at)) {
      if (at === frame) return true;
      seen.add(at);
    }
    return false;
  };
  const waitingOn = new Map(graph.nodes.map((node) => [node.id, 0]));
  const successors = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  const follow = (source: string, target: string) => {
    successors.get(source)?.push(target);
    waitingOn.set(target, (waitingOn.get(target) ?? 0) + 1);
  };
  for (const edge of graph.edges) {
    if (!index.has(edge.source) || !index.has(edge.target)) continue;
    // A body's return edge: its loop runs before it, not after.
    if (inside(edge.source, edge.target)) continue;
    follow(edge.source, edge.target);
    // Out of a loop (not into its body): after the whole body too.
    if (inside(edge.target, edge.source)) continue;
    for (const node of graph.nodes) if (inside(node.id, edge.source)) follow(node.id, edge.target);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  // Ready nodes, kept sorted by their position in `graph.nodes`: the first is placed next.
  const ready = graph.nodes.filter((node) => waitingOn.get(node.id) === 0).map((node) => node.id);
  while (ready.length > 0) {
    const next = ready.shift() as string;
    order.push(next);
    placed.add(next);
    for (const target of successors.get(next) ?? []) {
      const left = (waitingOn.get(target) ?? 0) - 1;
      waitingOn.set(target, left);
      if (left === 0) insertByPosition(ready, target, index);
    }
  }
  for (const node of graph.nodes) if (!placed.has(node.id)) order.push(node.id);
  return order;
}

function insertByPosition(ready: string[], id: string, index: ReadonlyMap<string, number>): void {
  const position = index.get(id) ?? 0;
  const at = ready.findIndex((other) => (index.get(other) ?? 0) > position);
  if (at === -1) ready.push(id);
  else ready.splice(at, 0, id);
}

/**
 * A finished run's result: the step that answered its webhook when one did (`answered`, the first
 * Respond to webhook step stored), else its last succeeded top-level step in graph order (steps
 * inside loops are not a run's result: their loop's own output is). Which step, not its output:
 * the caller reads that one output, whole.
 */
export function workflowResult(
  graph: Pick<Graph, 'nodes' | 'edges'>,
  run: { readonly answered?: ResultStep | undefined; readonly succeeded: readonly ResultStep[] },
): WorkflowResult {
  if (run.answered) return { kind: 'respond', step: run.answered };
  const byNode = new Map<string, ResultStep>();
  for (const step of run.succeeded) {
    if (step.scope !== TOP_SCOPE) continue;
    const seen = byNode.get(step.nodeId);
    if (!seen || step.attempt > seen.attempt) byNode.set(step.nodeId, step);
  }
  const order = graphOrder(graph);
  for (let position = order.length - 1; position >= 0; position--) {
    const step = byNode.get(order[position] as string);
    if (step) return { kind: 'last-step', step };
  }
  return { kind: 'none' };
}
