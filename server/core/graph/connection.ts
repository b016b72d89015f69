import {
  acceptsInputs,
  closesCycle,
  duplicateEdge,
  type EdgeLike,
  endProblems,
  linkOf,
  tooManyInputs,
} from './edges.ts';
import type { Graph, GraphEdge, Problem } from './model.ts';
import type { NodeTypeLookup } from './node-type.ts';
import { readConfig } from './ports.ts';

export type Connection = Pick<GraphEdge, 'source' | 'sourcePort' | 'target'>;

/**
 * Why `connection` may not be added to `graph`, as the problem validation would then report, or
 * undefined when it may. The editor asks this while an edge is being drawn, so it never lets one
 * be drawn that the server would refuse.
 */
export function connectionProblem(graph: Graph, connection: Connection, types: NodeTypeLookup): Problem | undefined {
  const source = graph.nodes.find((node) => node.id === connection.source);
  const target = graph.nodes.find((node) => node.id === connection.target);
  const sourceType = source && types(source.type);
  const targetType = target && types(target.type);
  const ports = source && sourceType ? readConfig(sourceType, source.config, source.settings).ports : undefined;
  const [end] = endProblems(connection, source, target, ports, targetType);
  if (end || !source || !target) return end;
  const link = linkOf(connection);
  if (graph.edges.some((edge) => linkOf(edge) === link)) return duplicateEdge(connection, source, target);
  // A loop first: a Merge would not make it right, so "only a Merge may join branches" would mislead.
  if (reaches(graph.edges, connection.target, connection.source)) return closesCycle(connection, source, target);
  const inbound = graph.edges.filter((edge) => edge.target === target.id).length;
  if (!acceptsInputs(targetType, inbound + 1)) return tooManyInputs(target);
  return undefined;
}

/** Whether `to` can be reached from `from` along edges. */
function reaches(edges: readonly EdgeLike[], from: string, to: string): boolean {
  const successors = new Map<string, string[]>();
  for (const edge of edges) {
    const next = successors.get(edge.source);
    if (next) next.push(edge.target);
    else successors.set(edge.source, [edge.target]);
  }
  const seen = new Set([from]);
  const queue = [from];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (id === to) return true;
    for (const next of successors.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}
