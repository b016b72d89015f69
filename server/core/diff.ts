import diff from 'microdiff';
import { z } from 'zod';
import type { Graph, GraphEdge, GraphNode } from './graph/model.ts';

export const FieldChange = z.object({
  field: z.string().describe('Dot path, e.g. config.url or name'),
  kind: z.enum(['added', 'removed', 'changed']),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});
export type FieldChange = z.output<typeof FieldChange>;

const NodeSummary = z.object({ id: z.string(), name: z.string(), type: z.string() });

export const GraphDiff = z.object({
  nodes: z.object({
    added: z.array(NodeSummary),
    removed: z.array(NodeSummary),
    changed: z.array(NodeSummary.extend({ changes: z.array(FieldChange) })),
    /** Nodes whose only change is where they sit on the canvas. */
    moved: z.array(NodeSummary),
  }),
  edges: z.object({
    added: z.array(z.object({ source: z.string(), sourcePort: z.string(), target: z.string() })),
    removed: z.array(z.object({ source: z.string(), sourcePort: z.string(), target: z.string() })),
  }),
});
export type GraphDiff = z.output<typeof GraphDiff>;

const summary = (node: GraphNode) => ({ id: node.id, name: node.name, type: node.type });

/**
 * What changed from one graph to another. Nodes are matched by id; edges by what they join
 * (source, port, target), since an editor may regenerate edge ids without changing anything.
 */
export function diffGraphs(from: Graph, to: Graph): GraphDiff {
  const before = new Map(from.nodes.map((node) => [node.id, node]));
  const after = new Map(to.nodes.map((node) => [node.id, node]));
  const result: GraphDiff = {
    nodes: { added: [], removed: [], changed: [], moved: [] },
    edges: { added: [], removed: [] },
  };
  for (const node of to.nodes) if (!before.has(node.id)) result.nodes.added.push(summary(node));
  for (const node of from.nodes) {
    const next = after.get(node.id);
    if (!next) {
      result.nodes.removed.push(summary(node));
      continue;
    }
    const changes = nodeChanges(node, next);
    if (changes.length > 0) result.nodes.changed.push({ ...summary(next), changes });
    else if (node.position.x !== next.position.x || node.position.y !== next.position.y) {
      result.nodes.moved.push(summary(next));
    }
  }
  const edgeKey = (edge: GraphEdge) => `${edge.source}\u0000${edge.sourcePort}\u0000${edge.target}`;
  const link = ({ source, sourcePort, target }: GraphEdge) => ({ source, sourcePort, target });
  const fromEdges = new Set(from.edges.map(edgeKey));
  const toEdges = new Set(to.edges.map(edgeKey));
  result.edges.added = to.edges.filter((edge) => !fromEdges.has(edgeKey(edge))).map(link);
  result.edges.removed = from.edges.filter((edge) => !toEdges.has(edgeKey(edge))).map(link);
  return result;
}

function nodeChanges(before: GraphNode, after: GraphNode): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.name !== after.name) changes.push({ field: 'name', kind: 'changed', from: before.name, to: after.name });
  if (before.type !== after.type) changes.push({ field: 'type', kind: 'changed', from: before.type, to: after.type });
  for (const change of diff(before.config, after.config)) {
    const field = ['config', ...change.path.map(String)].join('.');
    if (change.type === 'CREATE') changes.push({ field, kind: 'added', to: change.value });
    else if (change.type === 'REMOVE') changes.push({ field, kind: 'removed', from: change.oldValue });
    else changes.push({ field, kind: 'changed', from: change.oldValue, to: change.value });
  }
  return changes;
}
