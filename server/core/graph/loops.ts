import type { EdgeLike } from './edges.ts';
import type { GraphNode, Problem } from './model.ts';
import type { GraphNodeType, NodeTypeLookup } from './node-type.ts';

/**
 * Loop frames: a node whose type offers the `loop-frame` affordance (`flow.loop`) runs the nodes
 * placed inside its frame (their `parentId`) once per item. The frame is a fence: it is entered
 * only by the loop's `body` edge (to the body's start) and left only by the return edge (from the
 * body's end back to the loop); every other edge joins two nodes of the same frame. Validation
 * (validate.ts) and the editor's connection check (connection.ts) both ask these rules, so the
 * editor never lets an edge be drawn that a version would refuse, and says why in the same words.
 */

/** The port a loop enters its frame by. */
export const BODY_PORT = 'body';

/** Whether nodes of this type are drawn as a frame holding a loop body. */
export const isLoopType = (type: Pick<GraphNodeType, 'affordances'> | undefined): boolean =>
  type?.affordances?.includes('loop-frame') === true;

/** Each node's loop, as far as the graph says so rightly (a `parentId` naming a loop, no cycle). */
export interface Frames {
  /** The loop whose frame directly holds the node; undefined at top level. */
  parentOf(nodeId: string): string | undefined;
  isLoop(nodeId: string): boolean;
  /** The loops around a node, innermost first. */
  loopsAround(nodeId: string): string[];
}

/**
 * Reads the frames of a graph. A `parentId` that names no loop, or that closes a circle of frames,
 * is reported (when `problems` is given) and then left out, so the node counts as top level and
 * the other rules do not repeat the fault.
 */
export function readFrames(
  nodesById: ReadonlyMap<string, GraphNode>,
  types: NodeTypeLookup,
  problems?: Problem[],
): Frames {
  const loops = new Set<string>();
  for (const node of nodesById.values()) if (isLoopType(types(node.type))) loops.add(node.id);
  const parent = new Map<string, string>();
  for (const node of nodesById.values()) {
    if (node.parentId === undefined) continue;
    const holder = nodesById.get(node.parentId);
    if (!holder) {
      problems?.push(
        placed(node, `"${node.name}" is placed in "${node.parentId}", which is not a node of this workflow`),
      );
    } else if (!loops.has(holder.id)) {
      problems?.push(placed(node, `"${node.name}" is placed inside "${holder.name}", which is not a loop`));
    } else if (types(node.type)?.kind === 'trigger') {
      problems?.push(
        placed(
          node,
          `"${node.name}" is a trigger and cannot be inside the loop "${holder.name}"; runs start outside loops`,
        ),
      );
    } else parent.set(node.id, holder.id);
  }
  // A circle of frames (A inside B inside A) has no outermost loop: each node in one is reported.
  for (const start of [...parent.keys()]) {
    const seen = new Set([start]);
    for (let at = parent.get(start); at !== undefined; at = parent.get(at)) {
      if (at === start) {
        const node = nodesById.get(start) as GraphNode;
        problems?.push(placed(node, `"${node.name}" is inside a loop that is itself inside "${node.name}"`));
        break;
      }
      if (seen.has(at)) break; // a circle further out, reported from its own nodes
      seen.add(at);
    }
  }
  for (const node of nodesById.values()) {
    if (inCircle(node.id, parent)) parent.delete(node.id);
  }
  return {
    parentOf: (nodeId) => parent.get(nodeId),
    isLoop: (nodeId) => loops.has(nodeId),
    loopsAround(nodeId) {
      const around: string[] = [];
      for (let at = parent.get(nodeId); at !== undefined; at = parent.get(at)) around.push(at);
      return around;
    },
  };
}

function inCircle(start: string, parent: ReadonlyMap<string, string>): boolean {
  const seen = new Set<string>();
  for (let at: string | undefined = start; at !== undefined; at = parent.get(at)) {
    if (seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

const placed = (node: GraphNode, message: string): Problem => ({
  code: 'loop_body',
  nodeId: node.id,
  field: 'parentId',
  message,
});

/** What an edge is to the frames it touches. */
export type EdgeRole = 'body' | 'return' | 'plain';

/** The role an edge would have, without judging it: `return` when it goes from a loop's body back to it. */
export function edgeRole(edge: EdgeLike, frames: Frames): EdgeRole {
  if (frames.isLoop(edge.source) && edge.sourcePort === BODY_PORT) return 'body';
  if (frames.isLoop(edge.target) && frames.parentOf(edge.source) === edge.target) return 'return';
  return 'plain';
}

const onEdge = (edge: EdgeLike) => (edge.id ? { edgeId: edge.id } : {});

/**
 * Why an edge may not cross the frames it crosses, or undefined: a loop's `body` edge must lead to
 * a node inside that loop, and besides it and the return edge an edge joins two nodes of one frame.
 */
export function crossingProblem(
  edge: EdgeLike,
  source: GraphNode,
  target: GraphNode,
  frames: Frames,
  nameOf: (nodeId: string) => string,
): Problem | undefined {
  const role = edgeRole(edge, frames);
  const from = frames.parentOf(source.id);
  const to = frames.parentOf(target.id);
  if (role === 'return') return undefined;
  if (role === 'body') {
    if (to === source.id) return undefined;
    return {
      code: 'loop_body',
      ...onEdge(edge),
      field: 'target',
      message: `the body port of "${source.name}" leads into its frame: "${target.name}" is not inside "${source.name}"`,
    };
  }
  if (from === to) return undefined;
  // Into a frame the source is not in (directly), or out of the source's own frame.
  const entering = to !== undefined && (from === undefined || frames.loopsAround(to).includes(from));
  if (entering) {
    const loop = nameOf(to);
    return {
      code: 'loop_body',
      ...onEdge(edge),
      field: 'target',
      message: `"${target.name}" is inside the loop "${loop}": its frame is entered only from the body port of "${loop}"`,
    };
  }
  const loop = nameOf(from as string);
  return {
    code: 'loop_body',
    ...onEdge(edge),
    field: 'source',
    message: `"${source.name}" is inside the loop "${loop}": only the body's last node leaves its frame, connected back to "${loop}"`,
  };
}

/** A loop has one body start: a second `body` edge. */
export function secondBodyStart(edge: EdgeLike, loop: GraphNode, start: GraphNode): Problem {
  return {
    code: 'loop_body',
    ...onEdge(edge),
    nodeId: loop.id,
    message: `the body of "${loop.name}" already starts at "${start.name}"; a loop's body has one first node`,
  };
}

/** A loop has one body end: a second edge back into the loop from its frame. */
export function secondBodyEnd(edge: EdgeLike, loop: GraphNode, end: GraphNode): Problem {
  return {
    code: 'loop_body',
    ...onEdge(edge),
    nodeId: loop.id,
    message: `the body of "${loop.name}" already ends at "${end.name}", connected back to it; a loop's body has one last node`,
  };
}

/** A loop whose body is not closed: no `body` edge, or nothing connected back. */
export function openBody(loop: GraphNode, missing: 'start' | 'end'): Problem {
  return {
    code: 'loop_body',
    nodeId: loop.id,
    message:
      missing === 'start'
        ? `"${loop.name}" has no body: connect its body port to the first node inside its frame`
        : `the body of "${loop.name}" does not end: connect its last node back to "${loop.name}"`,
  };
}
