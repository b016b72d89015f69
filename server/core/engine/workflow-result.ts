/**
 * THE definition of a finished run's result: what a sub-workflow hands back to the step that
 * called it (and what anything else that asks "what did this run produce" must use). Kept in one
 * place so every reader agrees; pure.
 *
 * The rule: the output of the run's last succeeded top-level step in graph order. Graph order is
 * the graph's topological order (a step comes after every step that feeds it), ties broken by the
 * nodes' order in `graph.nodes`. Never finish time: two branches that finish in either order give
 * the same result. (A workflow with a Respond node will answer that node's output first; this
 * branch has no such node type yet.)
 */

export interface ResultGraph {
  readonly nodes: readonly { readonly id: string }[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
}

export interface WorkflowResult {
  /** The node whose output is the result. */
  readonly nodeId: string;
  readonly output: unknown;
}

/**
 * The result of a run, from its top-level steps that succeeded (`succeeded`: node id → output).
 * Undefined when no step succeeded.
 */
export function workflowResult(
  graph: ResultGraph,
  succeeded: ReadonlyMap<string, unknown>,
): WorkflowResult | undefined {
  let last: WorkflowResult | undefined;
  for (const nodeId of graphOrder(graph)) {
    if (succeeded.has(nodeId)) last = { nodeId, output: succeeded.get(nodeId) };
  }
  return last;
}

/**
 * The nodes in topological order, ties by their index in `graph.nodes` (Kahn's algorithm taking
 * the lowest-indexed ready node each time). Nodes on a cycle (never in a valid graph) come last,
 * in index order, so the function is total.
 */
export function graphOrder(graph: ResultGraph): string[] {
  const index = new Map(graph.nodes.map((node, at) => [node.id, at]));
  const inbound = new Map<string, number>(graph.nodes.map((node) => [node.id, 0]));
  const outbound = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!index.has(edge.source) || !index.has(edge.target)) continue;
    inbound.set(edge.target, (inbound.get(edge.target) ?? 0) + 1);
    outbound.set(edge.source, [...(outbound.get(edge.source) ?? []), edge.target]);
  }
  const ready = graph.nodes.filter((node) => inbound.get(node.id) === 0).map((node) => node.id);
  const order: string[] = [];
  const byIndex = (a: string, b: string) => (index.get(a) ?? 0) - (index.get(b) ?? 0);
  while (ready.length > 0) {
    ready.sort(byIndex);
    const next = ready.shift() as string;
    order.push(next);
    for (const target of outbound.get(next) ?? []) {
      const left = (inbound.get(target) ?? 0) - 1;
      inbound.set(target, left);
      if (left === 0) ready.push(target);
    }
  }
  const placed = new Set(order);
  return [...order, ...graph.nodes.map((node) => node.id).filter((id) => !placed.has(id))];
}
