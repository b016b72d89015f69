import { type Connection, connectionProblem } from '../../../server/core/graph/connection.ts';
import { ERROR_PORT } from '../../../server/core/graph/settings.ts';
import { renameStepReferencesIn } from '../../../server/core/graph/step-renames.ts';
import type { Graph, GraphEdge, GraphNode } from '../api/types.ts';
import type { NodeTypes } from '../canvas/node-types.ts';
import { initialValue } from '../forms/schema.ts';
import { absolutePosition, descendantsOf } from './frames.ts';

/**
 * Pure graph edits the editor store is built from. Each takes a graph and answers a new one (or
 * a verdict), never mutating its argument, so the store's history can keep old graphs as they are.
 */

/** Node width on the canvas (WorkflowNode is `w-56`); used to place new nodes and lay out. */
export const NODE_WIDTH = 224;
export const NODE_GAP_X = 96;
export const NODE_GAP_Y = 40;

/** "HTTP request", "HTTP request 2", … : the first name no node uses yet. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  const stem = base.trim().replace(/\s+\d+$/, '') || 'Node';
  if (!taken.has(stem)) return stem;
  for (let index = 2; ; index++) {
    const name = `${stem} ${index}`;
    if (!taken.has(name)) return name;
  }
}

/** A readable id from a name ("HTTP request 2" → "http_request_2"), unique among `taken`. */
export function uniqueId(name: string, taken: ReadonlySet<string>): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 48) || 'node';
  if (!taken.has(slug)) return slug;
  for (let index = 2; ; index++) {
    const id = `${slug}_${index}`;
    if (!taken.has(id)) return id;
  }
}

export function edgeId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `e_${Math.random().toString(36).slice(2, 10)}`;
    if (!taken.has(id)) return id;
  }
}

/** The config a node starts with: the schema's defaults and one empty item where a list needs one. */
export function initialConfig(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const value = schema ? initialValue(schema, schema) : {};
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The graph with the edge added, or as it is when the shared graph rules refuse the edge. */
export function connect(graph: Graph, connection: Connection, types: NodeTypes): Graph {
  if (connectionProblem(graph, connection, types.lookup)) return graph;
  const edge: GraphEdge = { id: edgeId(new Set(graph.edges.map((e) => e.id))), ...connection };
  return { ...graph, edges: [...graph.edges, edge] };
}

/**
 * Removes nodes (with every edge touching them) and edges. A loop goes with everything inside its
 * frame: the frame holds its body as a group does, and one undo brings all of it back.
 */
export function remove(graph: Graph, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): Graph {
  const nodes = new Set(nodeIds);
  for (const inside of descendantsOf(graph, nodes)) nodes.add(inside);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return graph;
  return {
    nodes: graph.nodes.filter((node) => !nodes.has(node.id)),
    edges: graph.edges.filter((edge) => !edges.has(edge.id) && !nodes.has(edge.source) && !nodes.has(edge.target)),
  };
}

/** Where a node added next to `anchor` goes: to its right, below any node already there. */
export function placeRightOf(graph: Graph, anchor: GraphNode | undefined): { x: number; y: number } {
  if (!anchor) {
    if (graph.nodes.length === 0) return { x: 0, y: 0 };
    const rightmost = graph.nodes.reduce((best, node) => (node.position.x > best.position.x ? node : best));
    anchor = rightmost;
  }
  const x = anchor.position.x + NODE_WIDTH + NODE_GAP_X;
  let y = anchor.position.y;
  // Positions compare within one frame (inside a loop's frame they are relative to it).
  const frame = anchor.parentId;
  const occupied = (candidate: number) =>
    graph.nodes.some(
      (node) =>
        node.parentId === frame &&
        Math.abs(node.position.x - x) < NODE_WIDTH &&
        Math.abs(node.position.y - candidate) < 70,
    );
  while (occupied(y)) y += 100;
  return { x, y };
}

export interface Fragment {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/**
 * The selected nodes with the edges running between them (edges leaving the selection are dropped).
 * A selected loop brings its whole frame. The fragment's outermost nodes are at canvas positions
 * with no parent: where a paste lands decides which frame they go into (frames.settleInFrames).
 */
export function copyFragment(graph: Graph, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  for (const inside of descendantsOf(graph, ids)) ids.add(inside);
  return {
    nodes: graph.nodes
      .filter((node) => ids.has(node.id))
      .map((node) => {
        if (!node.parentId || ids.has(node.parentId)) return node;
        const { parentId: _frame, ...rest } = node;
        return { ...rest, position: absolutePosition(graph, node.id) };
      }),
    edges: graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
  };
}

/** The nodes of a fragment not inside another of its nodes: the ones placed and moved as a whole. */
export const fragmentRoots = (fragment: Fragment) => fragment.nodes.filter((node) => !node.parentId);

/**
 * The offset that moves a fragment so its top-left node lands at `point` (where the pointer is, when
 * pasting): a paste goes where the user is looking, not beside nodes maybe scrolled out of view.
 */
export function offsetTo(fragment: Fragment, point: { x: number; y: number }): { x: number; y: number } {
  const roots = fragmentRoots(fragment);
  if (roots.length === 0) return { x: 0, y: 0 };
  const left = Math.min(...roots.map((node) => node.position.x));
  const top = Math.min(...roots.map((node) => node.position.y));
  return { x: Math.round(point.x - left), y: Math.round(point.y - top) };
}

/**
 * Adds a copied fragment with fresh ids and names, moved by `offset`; answers the new graph and the
 * pasted nodes' ids. Expressions keep naming the originals (a copy of A→B still reads steps.A).
 */
export function pasteFragment(
  graph: Graph,
  fragment: Fragment,
  offset: { x: number; y: number },
): { graph: Graph; nodeIds: string[] } {
  const ids = new Set(graph.nodes.map((node) => node.id));
  const names = new Set(graph.nodes.map((node) => node.name));
  const edgeIds = new Set(graph.edges.map((edge) => edge.id));
  const renamed = new Map<string, string>();
  const nodes: GraphNode[] = [];
  for (const node of fragment.nodes) {
    const name = uniqueName(node.name, names);
    const id = uniqueId(name, ids);
    names.add(name);
    ids.add(id);
    renamed.set(node.id, id);
    nodes.push({
      ...node,
      id,
      name,
      // Nodes inside a pasted frame keep their place in it; the frame itself moves.
      position: node.parentId ? node.position : { x: node.position.x + offset.x, y: node.position.y + offset.y },
      config: structuredClone(node.config),
    });
  }
  for (const [index, node] of nodes.entries()) {
    if (node.parentId) nodes[index] = { ...node, parentId: renamed.get(node.parentId) ?? node.parentId };
  }
  const edges: GraphEdge[] = [];
  for (const edge of fragment.edges) {
    const source = renamed.get(edge.source);
    const target = renamed.get(edge.target);
    if (!source || !target) continue;
    const id = edgeId(edgeIds);
    edgeIds.add(id);
    edges.push({ id, source, sourcePort: edge.sourcePort, target });
  }
  return {
    graph: { nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] },
    nodeIds: [...renamed.values()],
  };
}

/**
 * Renames a node and every `steps.<old name>` that other nodes' expressions and scripts read, so
 * a rename never silently breaks a mapping. Nodes that do not mention it are kept as they are.
 */
export function renameNode(graph: Graph, id: string, name: string): Graph {
  const old = graph.nodes.find((node) => node.id === id)?.name;
  if (old === undefined || old === name) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const config = renameStepReferencesIn(node.config, old, name) as GraphNode['config'];
      if (node.id === id) return { ...node, name, config };
      return config === node.config ? node : { ...node, config };
    }),
  };
}

/**
 * Gives a node another type in place (a manual trigger becomes a webhook): its id, name, place and
 * edges stay, so nothing downstream needs reconnecting; its config starts afresh for the new type.
 */
export function changeType(graph: Graph, id: string, type: string, config: GraphNode['config']): Graph {
  return updateNode(graph, id, (node) => (node.type === type ? node : { ...node, type, config }));
}

/** Replaces one node (by id) through `update`; other nodes keep their identity. */
/**
 * A node's settings (`onError`, `retry`), undefined for none. A node that stops routing its
 * errors to the error port loses the edges that left by it: that port is gone.
 */
export function setNodeSettings(graph: Graph, id: string, settings: Record<string, unknown> | undefined): Graph {
  const next = updateNode(graph, id, (node) => {
    const { settings: _old, ...rest } = node;
    return settings ? { ...rest, settings } : rest;
  });
  if (settings?.onError === 'error-port') return next;
  const edges = next.edges.filter((edge) => !(edge.source === id && edge.sourcePort === ERROR_PORT));
  return edges.length === next.edges.length ? next : { ...next, edges };
}

/** The workflow's settings (time limit, error workflow), undefined for none. */
export function setWorkflowSettings(graph: Graph, settings: Graph['settings']): Graph {
  const { settings: _old, ...rest } = graph;
  return settings && Object.keys(settings).length > 0 ? { ...rest, settings } : rest;
}

export function updateNode(graph: Graph, id: string, update: (node: GraphNode) => GraphNode): Graph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    if (node.id !== id) return node;
    const next = update(node);
    changed = next !== node;
    return next;
  });
  return changed ? { ...graph, nodes } : graph;
}

export function movePositions(graph: Graph, positions: ReadonlyMap<string, { x: number; y: number }>): Graph {
  if (positions.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const position = positions.get(node.id);
      return position && (position.x !== node.position.x || position.y !== node.position.y)
        ? { ...node, position: { x: Math.round(position.x), y: Math.round(position.y) } }
        : node;
    }),
  };
}
