import type { Graph } from './model.ts';

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
