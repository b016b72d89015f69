import type { Graph, GraphNode } from '../api/types.ts';
import { FRAME_HEADER, LOOP_MIN_SIZE } from '../canvas/loop-frame-geometry.ts';
import type { NodeTypes } from '../canvas/node-types.ts';
import { NODE_WIDTH } from './graph-ops.ts';

/**
 * Auto-layout: left to right in layers (ELK's layered algorithm), ports kept in their drawn order
 * so an If's "true" branch stays above its "false" one. Answers new positions only; the store
 * applies them as one undoable step.
 */
type ElkClass = typeof import('elkjs/lib/elk.bundled.js')['default'];
type Elk = InstanceType<ElkClass>;
let elk: Promise<Elk> | undefined;

/** ELK is big (1.5 MB): loaded on the first layout, not with the editor. */
function loadElk(): Promise<Elk> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((module) => {
    // elkjs is CommonJS: bundlers hand over `module.exports` (the class); the typings describe a namespace.
    const namespace = module.default as unknown as { default?: unknown };
    const ELK = (namespace.default ?? namespace) as ElkClass;
    return new ELK();
  });
  return elk;
}

/** A node's new place; a loop's frame also gets the size that holds its laid-out body. */
export interface Placement {
  readonly x: number;
  readonly y: number;
  readonly size?: { width: number; height: number };
}

/** Room between a frame's edges and its body (the body handle and the result handle sit in it). */
const FRAME_PADDING = { left: 90, right: 90, top: FRAME_HEADER + 40, bottom: 40 };

/**
 * Lays out each loop's body inside its frame (innermost first, so a frame's size is known before
 * the level holding it is laid out), then the top level; edges crossing a frame are left to the
 * frame's handles. Positions inside a frame are relative to it, as the graph keeps them.
 */
export async function layoutGraph(
  graph: Graph,
  types: NodeTypes,
  measured: Readonly<Record<string, { width: number; height: number }>> = {},
): Promise<Map<string, Placement>> {
  const placements = new Map<string, Placement>();
  const loops = new Set(graph.nodes.filter((node) => types.offers(node.type, 'loop-frame')).map((node) => node.id));
  const parentOf = (node: GraphNode) => (node.parentId && loops.has(node.parentId) ? node.parentId : undefined);
  const depth = (id: string | undefined): number => {
    let count = 0;
    for (let at = id; at !== undefined && count <= graph.nodes.length; count++) {
      const node = graph.nodes.find((candidate) => candidate.id === at);
      at = node ? parentOf(node) : undefined;
    }
    return count;
  };
  const levels = [...loops].sort((a, b) => depth(b) - depth(a));
  const sizes: Record<string, { width: number; height: number }> = { ...measured };
  for (const frame of [...levels, undefined]) {
    const members = graph.nodes.filter((node) => parentOf(node) === frame);
    if (members.length === 0) continue;
    const ids = new Set(members.map((node) => node.id));
    const edges = graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target));
    const placed = await layoutLevel({ nodes: members, edges }, types, sizes);
    if (frame === undefined) {
      for (const [id, point] of placed) placements.set(id, { ...point, ...withSize(id, placements) });
      continue;
    }
    let right = 0;
    let bottom = 0;
    for (const node of members) {
      const point = placed.get(node.id) ?? node.position;
      const own = sizes[node.id] ?? { width: NODE_WIDTH, height: 58 };
      right = Math.max(right, point.x + own.width);
      bottom = Math.max(bottom, point.y + own.height);
      placements.set(node.id, {
        x: point.x + FRAME_PADDING.left,
        y: point.y + FRAME_PADDING.top,
        ...withSize(node.id, placements),
      });
    }
    const size = {
      width: Math.max(LOOP_MIN_SIZE.width, right + FRAME_PADDING.left + FRAME_PADDING.right),
      height: Math.max(LOOP_MIN_SIZE.height, bottom + FRAME_PADDING.top + FRAME_PADDING.bottom),
    };
    sizes[frame] = size;
    const known = graph.nodes.find((node) => node.id === frame);
    placements.set(frame, { x: known?.position.x ?? 0, y: known?.position.y ?? 0, size });
  }
  return placements;
}

const withSize = (id: string, placements: ReadonlyMap<string, Placement>) => {
  const size = placements.get(id)?.size;
  return size ? { size } : {};
};

async function layoutLevel(
  graph: Graph,
  types: NodeTypes,
  measured: Readonly<Record<string, { width: number; height: number }>>,
): Promise<Map<string, { x: number; y: number }>> {
  // ELK refuses edges to unknown ports; a draft may hold stale ones (a Switch case renamed).
  const known = new Set(
    graph.nodes.flatMap((node) => [
      node.id,
      ...types.portsOf(node.type, node.config, node.settings).map((port) => `${node.id}::${port}`),
    ]),
  );
  const edges = graph.edges.filter((edge) => known.has(`${edge.source}::${edge.sourcePort}`) && known.has(edge.target));
  const result = await (await loadElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: graph.nodes.map((node) => {
      const ports = types.portsOf(node.type, node.config, node.settings);
      return {
        id: node.id,
        width: measured[node.id]?.width ?? NODE_WIDTH,
        height: measured[node.id]?.height ?? (ports.length > 1 ? 58 + ports.length * 20 : 58),
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: ports.map((port, index) => ({
          id: `${node.id}::${port}`,
          layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(index) },
        })),
      };
    }),
    edges: edges.map((edge) => ({
      id: edge.id,
      sources: [`${edge.source}::${edge.sourcePort}`],
      targets: [edge.target],
    })),
  });
  const positions = new Map<string, { x: number; y: number }>();
  for (const child of result.children ?? []) {
    positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return positions;
}
