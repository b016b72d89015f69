import type { Graph, GraphEdge, VersionDiff } from '../../api/types.ts';

export type NodeDiffKind = 'added' | 'removed' | 'changed';

export interface CompareView {
  /** The `to` graph plus what `from` had and `to` lost, so removals can be seen where they were. */
  readonly graph: Graph;
  readonly nodes: ReadonlyMap<string, NodeDiffKind>;
  readonly edges: ReadonlyMap<string, 'added' | 'removed'>;
}

const edgeKey = (edge: Pick<GraphEdge, 'source' | 'sourcePort' | 'target'>) =>
  `${edge.source}\u0000${edge.sourcePort}\u0000${edge.target}`;

/**
 * What the compare page draws: one canvas with nodes and edges marked added, removed or changed.
 * Edges are matched as the server's diff matches them, by what they join, not by id.
 */
export function compareView(from: Graph, to: Graph, diff: VersionDiff): CompareView {
  const nodes = new Map<string, NodeDiffKind>();
  for (const node of diff.nodes.added) nodes.set(node.id, 'added');
  for (const node of diff.nodes.changed) nodes.set(node.id, 'changed');
  for (const node of diff.nodes.removed) nodes.set(node.id, 'removed');

  const removedIds = new Set(diff.nodes.removed.map((node) => node.id));
  const removedNodes = placeBeside(
    to.nodes.map((node) => node.position),
    from.nodes.filter((node) => removedIds.has(node.id)),
  );
  const present = new Set([...to.nodes.map((node) => node.id), ...removedNodes.map((node) => node.id)]);

  const added = new Set(diff.edges.added.map(edgeKey));
  const removed = new Set(diff.edges.removed.map(edgeKey));
  const edges = new Map<string, 'added' | 'removed'>();
  for (const edge of to.edges) if (added.has(edgeKey(edge))) edges.set(edge.id, 'added');
  const removedEdges = from.edges
    .filter((edge) => removed.has(edgeKey(edge)) && present.has(edge.source) && present.has(edge.target))
    // `from` may reuse an id `to` gives another edge; a prefix keeps both on the canvas.
    .map((edge) => ({ ...edge, id: `removed:${edge.id}` }));
  for (const edge of removedEdges) edges.set(edge.id, 'removed');

  return {
    graph: { nodes: [...to.nodes, ...removedNodes], edges: [...to.edges, ...removedEdges] },
    nodes,
    edges,
  };
}

/** About a canvas node's size: positions closer than this overlap. */
const NODE_BOX = { width: 240, height: 90 };

/**
 * A removed node often sat where an added one sits now; drawn there, it would hide it. Each one
 * that overlaps something moves down until it has a free spot.
 */
function placeBeside<T extends { position: { x: number; y: number } }>(
  taken: Array<{ x: number; y: number }>,
  nodes: T[],
): T[] {
  const occupied = [...taken];
  const overlaps = (point: { x: number; y: number }) =>
    occupied.some(
      (other) => Math.abs(other.x - point.x) < NODE_BOX.width && Math.abs(other.y - point.y) < NODE_BOX.height,
    );
  return nodes.map((node) => {
    const position = { ...node.position };
    while (overlaps(position)) position.y += NODE_BOX.height + 20;
    occupied.push(position);
    return { ...node, position };
  });
}

/** A field's value as one short line for the change list. */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
