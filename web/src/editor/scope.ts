import type { ExecutionDetail, Graph } from '../api/types.ts';
import type { ExpressionScope } from '../forms/completions.ts';
import { latestAttempts } from './test-run.ts';

/** The loops whose frames hold a node, innermost first (as far as its `parentId`s go). */
function framesAround(graph: Graph, nodeId: string): string[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const around: string[] = [];
  for (let at = byId.get(nodeId)?.parentId; at !== undefined && !around.includes(at); at = byId.get(at)?.parentId)
    around.push(at);
  return around;
}

/**
 * Names of the nodes that run before `nodeId` (its ancestors) and that it may read, nearest first:
 * a node inside a loop body that does not hold `nodeId` is read only through its loop, and the
 * edge from a body's end back to its loop is no way in (graph rules, step-references.ts).
 */
export function upstreamNames(graph: Graph, nodeId: string): string[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const parents = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (byId.get(edge.source)?.parentId === edge.target) continue; // a body's return edge
    parents.set(edge.target, [...(parents.get(edge.target) ?? []), edge.source]);
  }
  const visible = new Set(framesAround(graph, nodeId));
  const names = new Map(
    graph.nodes
      .filter((node) => node.parentId === undefined || visible.has(node.parentId))
      .map((node) => [node.id, node.name]),
  );
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  const queue = [...(parents.get(nodeId) ?? [])];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const name = names.get(id);
    if (name) order.push(name);
    queue.push(...(parents.get(id) ?? []));
  }
  return order;
}

/**
 * What expressions in `nodeId`'s config can read, with real values from the last test run when
 * there is one (this editor session's, else the newest stored): its input there, the trigger
 * payload (the draft's test payload when there is one), and the outputs of the steps before it.
 * Steps are matched by node id, so a node renamed since the run offers its new name.
 */
export function scopeFor(
  graph: Graph,
  nodeId: string,
  detail: ExecutionDetail | null | undefined,
  /** The draft's test payload (test-payload.ts): what the next test run's `trigger` will be. */
  testPayload?: unknown,
): ExpressionScope {
  const scope = scopeFromRun(graph, nodeId, detail);
  const loop = framesAround(graph, nodeId)[0];
  // The innermost loop's list, as its step output it in the last run: its first element is a sample item.
  const list = loop && detail ? latestAttempts(detail.steps).get(loop)?.output : undefined;
  const withLoop = loop ? { ...scope, loop: Array.isArray(list) && list.length > 0 ? { item: list[0] } : {} } : scope;
  return testPayload === undefined ? withLoop : { ...withLoop, trigger: testPayload };
}

function scopeFromRun(graph: Graph, nodeId: string, detail: ExecutionDetail | null | undefined): ExpressionScope {
  const upstream = upstreamNames(graph, nodeId);
  if (!detail) return { upstream, outputs: {} };
  const steps = latestAttempts(detail.steps);
  const names = new Map(graph.nodes.map((node) => [node.id, node.name]));
  const before = new Set(upstream);
  const outputs: Record<string, unknown> = {};
  for (const [id, step] of steps) {
    const name = names.get(id);
    if (name && before.has(name) && step.status === 'succeeded') outputs[name] = step.output;
  }
  const own = steps.get(nodeId);
  return {
    upstream,
    outputs,
    trigger: detail.triggerPayload,
    input: own ? own.input : undefined,
  };
}
