import { crossingProblem, edgeRole, readFrames } from '../../../server/core/graph/loops.ts';
import type { Graph, GraphNode } from '../api/types.ts';
import { FRAME_HEADER, LOOP_DEFAULT_SIZE } from '../canvas/loop-frame-geometry.ts';
import type { NodeTypes } from '../canvas/node-types.ts';
import { NODE_WIDTH } from './graph-ops.ts';

/**
 * Loop frames in the editor's graph edits: a node inside a loop's frame has the loop as `parentId`
 * and a position relative to the frame's top-left corner (as React Flow's sub-flows draw it), so
 * putting a node into a frame or taking it out converts its position and keeps it where it was seen.
 * Pure, like graph-ops.ts.
 */

export type Point = { x: number; y: number };

/** A loop's frame size: the one saved in the graph, or the default a new loop gets. */
export const frameSize = (node: GraphNode) => node.size ?? LOOP_DEFAULT_SIZE;

/** Where a node is on the canvas: its position plus those of the frames around it. */
export function absolutePosition(graph: Graph, nodeId: string): Point {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  let x = 0;
  let y = 0;
  const seen = new Set<string>();
  for (
    let node = byId.get(nodeId);
    node && !seen.has(node.id);
    node = node.parentId ? byId.get(node.parentId) : undefined
  ) {
    seen.add(node.id);
    x += node.position.x;
    y += node.position.y;
  }
  return { x, y };
}

/** The nodes inside the frames of `ids` (frames in frames too), not counting `ids` themselves. */
export function descendantsOf(graph: Graph, ids: Iterable<string>): Set<string> {
  const inside = new Set<string>();
  const frames = new Set(ids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of graph.nodes) {
      if (node.parentId && (frames.has(node.parentId) || inside.has(node.parentId)) && !inside.has(node.id)) {
        inside.add(node.id);
        grew = true;
      }
    }
  }
  for (const id of frames) inside.delete(id);
  return inside;
}

/**
 * The innermost loop frame whose body area holds `point` (canvas coordinates), leaving out the
 * frames of `excluded` and their insides (a frame cannot go into itself).
 */
export function frameAt(
  graph: Graph,
  point: Point,
  types: NodeTypes,
  excluded: ReadonlySet<string> = new Set(),
): string | undefined {
  const barred = new Set([...excluded, ...descendantsOf(graph, excluded)]);
  let best: { id: string; depth: number } | undefined;
  for (const node of graph.nodes) {
    if (barred.has(node.id) || !types.offers(node.type, 'loop-frame')) continue;
    const corner = absolutePosition(graph, node.id);
    const size = frameSize(node);
    const inside =
      point.x >= corner.x &&
      point.x <= corner.x + size.width &&
      point.y >= corner.y + FRAME_HEADER &&
      point.y <= corner.y + size.height;
    if (!inside) continue;
    const depth = depthOf(graph, node.id);
    if (!best || depth > best.depth) best = { id: node.id, depth };
  }
  return best?.id;
}

function depthOf(graph: Graph, nodeId: string): number {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  let depth = 0;
  for (let node = byId.get(nodeId); node?.parentId && depth < graph.nodes.length; node = byId.get(node.parentId))
    depth++;
  return depth;
}

/** The point that decides which frame a node is in: the middle of its header, where it is grabbed. */
export function handlePoint(node: GraphNode, corner: Point, types: NodeTypes): Point {
  if (types.offers(node.type, 'loop-frame')) return { x: corner.x + 24, y: corner.y + FRAME_HEADER / 2 };
  return { x: corner.x + NODE_WIDTH / 2, y: corner.y + 28 };
}

/** Moves a node into the frame `parentId` (undefined: the top level), where it stays on screen. */
export function reparent(graph: Graph, nodeId: string, parentId: string | undefined): Graph {
  const node = graph.nodes.find((candidate) => candidate.id === nodeId);
  if (!node || node.parentId === parentId) return graph;
  const corner = absolutePosition(graph, nodeId);
  const origin = parentId ? absolutePosition(graph, parentId) : { x: 0, y: 0 };
  const { parentId: _old, ...rest } = node;
  const moved: GraphNode = {
    ...rest,
    ...(parentId ? { parentId } : {}),
    position: { x: Math.round(corner.x - origin.x), y: Math.round(corner.y - origin.y) },
  };
  return { ...graph, nodes: graph.nodes.map((candidate) => (candidate.id === nodeId ? moved : candidate)) };
}

/**
 * Puts each of `ids` into the frame it now stands in (after a drag, a drop or a paste): a node
 * moved into a frame joins its body, one moved out of every frame leaves it. Nodes whose frame
 * moves with them keep it. A node that changed frame loses the edges that would now cross a frame
 * (taken out of a body, it is no longer the body's start or end): one undo brings them back.
 */
export function settleInFrames(graph: Graph, ids: Iterable<string>, types: NodeTypes): Graph {
  const moving = new Set(ids);
  const moved = new Set<string>();
  let next = graph;
  for (const id of moving) {
    const node = next.nodes.find((candidate) => candidate.id === id);
    if (!node || (node.parentId && moving.has(node.parentId))) continue;
    const point = handlePoint(node, absolutePosition(next, id), types);
    const placed = reparent(next, id, frameAt(next, point, types, new Set([id])));
    if (placed !== next) moved.add(id);
    next = placed;
  }
  return moved.size === 0 ? next : withoutBrokenEdges(graph, next, moved, types);
}

/** `graph` without the edges of `moved` nodes that cross a frame now, or that were a body's return edge. */
function withoutBrokenEdges(before: Graph, graph: Graph, moved: ReadonlySet<string>, types: NodeTypes): Graph {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const frames = readFrames(byId, types.lookup);
  const framesBefore = readFrames(new Map(before.nodes.map((node) => [node.id, node])), types.lookup);
  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  const edges = graph.edges.filter((edge) => {
    if (!moved.has(edge.source) && !moved.has(edge.target)) return true;
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) return true;
    const lostReturn = edgeRole(edge, framesBefore) === 'return' && edgeRole(edge, frames) !== 'return';
    return !lostReturn && !crossingProblem(edge, source, target, frames, nameOf);
  });
  return edges.length === graph.edges.length ? graph : { ...graph, edges };
}

/** Room kept between a frame's edge and the nodes inside it. */
const FRAME_MARGIN = 40;

/**
 * Every loop frame grown (never shrunk) to hold the nodes inside it, innermost frames first, so a
 * node added or moved to a frame's edge never hangs out of it. `heights` are measured node heights.
 */
export function growFramesToFit(
  graph: Graph,
  types: NodeTypes,
  heights: Readonly<Record<string, { width: number; height: number }>> = {},
): Graph {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const depth = (node: GraphNode) => {
    let count = 0;
    for (let at = node; at.parentId && count < graph.nodes.length; count++) {
      const parent = byId.get(at.parentId);
      if (!parent) break;
      at = parent;
    }
    return count;
  };
  const frames = graph.nodes
    .filter((node) => types.offers(node.type, 'loop-frame'))
    .sort((a, b) => depth(b) - depth(a));
  for (const frame of frames) {
    const current = byId.get(frame.id) as GraphNode;
    const size = frameSize(current);
    let width = size.width;
    let height = size.height;
    for (const child of byId.values()) {
      if (child.parentId !== frame.id) continue;
      const own = types.offers(child.type, 'loop-frame')
        ? frameSize(child)
        : { width: heights[child.id]?.width ?? NODE_WIDTH, height: heights[child.id]?.height ?? 58 };
      width = Math.max(width, child.position.x + own.width + FRAME_MARGIN);
      height = Math.max(height, child.position.y + own.height + FRAME_MARGIN);
    }
    if (width !== size.width || height !== size.height || !current.size) {
      byId.set(frame.id, { ...current, size: { width: Math.round(width), height: Math.round(height) } });
    }
  }
  const changed = graph.nodes.some((node) => byId.get(node.id) !== node);
  return changed ? { ...graph, nodes: graph.nodes.map((node) => byId.get(node.id) as GraphNode) } : graph;
}
