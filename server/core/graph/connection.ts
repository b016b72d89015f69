import {
  acceptsInputs,
  closesCycle,
  duplicateEdge,
  type EdgeLike,
  endProblems,
  linkOf,
  tooManyInputs,
} from './edges.ts';
import { crossingProblem, edgeRole, type Frames, readFrames, secondBodyEnd, secondBodyStart } from './loops.ts';
import type { Graph, GraphEdge, GraphNode, Problem } from './model.ts';
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
  const nodesById = new Map<string, GraphNode>(graph.nodes.map((node) => [node.id, node]));
  const frames = readFrames(nodesById, types);
  const nameOf = (id: string) => nodesById.get(id)?.name ?? id;
  const crossing = crossingProblem(connection, source, target, frames, nameOf);
  if (crossing) return crossing;
  const link = linkOf(connection);
  if (graph.edges.some((edge) => linkOf(edge) === link)) return duplicateEdge(connection, source, target);
  const role = edgeRole(connection, frames);
  const twin = graph.edges.find(
    (edge) =>
      edgeRole(edge, frames) === role &&
      sameLoop(edge, connection, role) &&
      !crossingProblem(
        edge,
        nodesById.get(edge.source) ?? source,
        nodesById.get(edge.target) ?? target,
        frames,
        nameOf,
      ),
  );
  if (role === 'body' && twin) return secondBodyStart(connection, source, nodesById.get(twin.target) ?? target);
  // A body's end back to its loop runs no step: it closes no cycle and is no input of the loop.
  if (role === 'return')
    return twin ? secondBodyEnd(connection, target, nodesById.get(twin.source) ?? source) : undefined;
  const counted = graph.edges.filter((edge) => !isReturn(edge, frames));
  // A loop first: a Merge would not make it right, so "only a Merge may join branches" would mislead.
  if (reaches(counted, connection.target, connection.source)) return closesCycle(connection, source, target);
  const inbound = counted.filter((edge) => edge.target === target.id).length;
  if (!acceptsInputs(targetType, inbound + 1)) return tooManyInputs(target);
  return undefined;
}

const isReturn = (edge: EdgeLike, frames: Frames) => edgeRole(edge, frames) === 'return';

/** Whether two body edges leave the same loop, or two return edges enter the same one. */
function sameLoop(a: EdgeLike, b: EdgeLike, role: string): boolean {
  if (role === 'body') return a.source === b.source;
  if (role === 'return') return a.target === b.target;
  return false;
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
