import type { GraphEdge, GraphNode, Problem } from './model.ts';
import type { GraphNodeType } from './node-type.ts';
import { ERROR_PORT } from './settings.ts';

/**
 * The rules an edge keeps, each as the problem it reports when broken. Validation applies them to
 * a whole graph (validate.ts) and the editor to the edge being drawn (connection.ts), so both
 * refuse the same edges with the same words.
 */

/** An edge, or the one the editor is about to draw (no id yet). */
export type EdgeLike = Pick<GraphEdge, 'source' | 'sourcePort' | 'target'> & { readonly id?: string };

const onEdge = (edge: EdgeLike) => (edge.id ? { edgeId: edge.id } : {});

/**
 * What is wrong with an edge on its own: an end that is not a node, a node joined to itself, a port
 * its source does not have (`sourcePorts` undefined: unknown, not checked), a trigger as target.
 */
export function endProblems(
  edge: EdgeLike,
  source: GraphNode | undefined,
  target: GraphNode | undefined,
  sourcePorts: readonly string[] | undefined,
  targetType: GraphNodeType | undefined,
): Problem[] {
  const problem = (code: Problem['code'], message: string, field?: string): Problem => ({
    code,
    ...onEdge(edge),
    ...(field ? { field } : {}),
    message,
  });
  const dangling: Problem[] = [];
  const named = edge.id ? `edge "${edge.id}"` : 'the edge';
  if (!source) {
    dangling.push(problem('dangling_edge', `${named} starts at node "${edge.source}", which does not exist`, 'source'));
  }
  if (!target) {
    dangling.push(problem('dangling_edge', `${named} ends at node "${edge.target}", which does not exist`, 'target'));
  }
  if (!source || !target) return dangling;
  if (source.id === target.id) return [problem('self_loop', `"${source.name}" cannot be connected to itself`)];
  if (sourcePorts && !sourcePorts.includes(edge.sourcePort)) {
    const known = sourcePorts.map((port) => `"${port}"`).join(', ');
    // The error port exists only while the node routes its errors there (its settings).
    const hint = edge.sourcePort === ERROR_PORT ? '; set its error handling to "route to the error port"' : '';
    return [
      problem(
        'unknown_port',
        `"${source.name}" has no output "${edge.sourcePort}" (it has ${known})${hint}`,
        'sourcePort',
      ),
    ];
  }
  if (targetType?.kind === 'trigger') {
    return [
      problem('trigger_has_input', `"${target.name}" is a trigger and cannot have inbound connections`, 'target'),
    ];
  }
  return [];
}

/** Two edges leaving the same port for the same node are one edge drawn twice. */
export const linkOf = (edge: EdgeLike) => `${edge.source}\u0000${edge.sourcePort}\u0000${edge.target}`;

export function duplicateEdge(edge: EdgeLike, source: GraphNode, target: GraphNode): Problem {
  return {
    code: 'duplicate_edge',
    ...onEdge(edge),
    message: `"${source.name}" → "${target.name}" is already connected`,
  };
}

/** Only a node that joins branches (a Merge) takes more than one inbound edge. */
export function acceptsInputs(type: GraphNodeType | undefined, count: number): boolean {
  return count <= 1 || type?.acceptsManyInputs === true;
}

export function tooManyInputs(node: GraphNode): Problem {
  return {
    code: 'too_many_inputs',
    nodeId: node.id,
    // Said while an edge is drawn and of a saved graph alike, so it names no count.
    message: `"${node.name}" cannot have several inbound connections; only a Merge node joins branches`,
  };
}

/** Workflows never loop: an edge back to a node that runs before its source closes a cycle. */
export function closesCycle(edge: EdgeLike, source: GraphNode | undefined, target: GraphNode | undefined): Problem {
  return {
    code: 'cycle',
    ...onEdge(edge),
    nodeId: edge.target,
    message: `connecting "${source?.name}" back to "${target?.name}" makes a loop; workflows must not loop`,
  };
}
