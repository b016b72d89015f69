import type { Edge } from '@xyflow/react';
import { ERROR_PORT } from '../../../server/core/graph/settings.ts';
import type { Graph, GraphEdge, GraphNode } from '../api/types.ts';
import type { LoopFlowNode } from './loop-frame.tsx';
import { framesFirst, LOOP_DEFAULT_SIZE } from './loop-frame-geometry.ts';
import type { NodeTypes } from './node-types.ts';
import { ERROR_EDGE_STYLE, type WorkflowFlowNode, type WorkflowNodeData } from './workflow-node.tsx';

export type FlowNode = WorkflowFlowNode | LoopFlowNode;

/**
 * The frame a node is drawn in: its `parentId` when that names a loop of the graph (React Flow
 * refuses a parent it does not have, and a draft may hold a stale one, which validation reports).
 */
export function drawnParent(node: GraphNode, loops: ReadonlySet<string>): string | undefined {
  return node.parentId && loops.has(node.parentId) ? node.parentId : undefined;
}

export const loopIds = (graph: Graph, types: NodeTypes) =>
  new Set(graph.nodes.filter((node) => types.offers(node.type, 'loop-frame')).map((node) => node.id));

/** Which handle of its target an edge ends at: a loop's `return` for its body's end, else the inbound one. */
export function targetHandleOf(
  edge: Pick<GraphEdge, 'source' | 'target'>,
  parents: ReadonlyMap<string, string | undefined>,
  loops: ReadonlySet<string>,
): string | undefined {
  if (!loops.has(edge.target)) return undefined;
  return parents.get(edge.source) === edge.target ? 'return' : 'in';
}

/**
 * A loop's own ports are labelled on its frame; other ports than `main` are labelled on their edges,
 * and an edge leaving by an `error` port is drawn in the error colour, dashed.
 */
export const edgeLabel = (edge: GraphEdge, loops: ReadonlySet<string>) => ({
  ...(edge.sourcePort !== 'main' && !loops.has(edge.source) ? { label: edge.sourcePort } : {}),
  ...(edge.sourcePort === ERROR_PORT ? { style: ERROR_EDGE_STYLE, labelStyle: ERROR_LABEL_STYLE } : {}),
});

const ERROR_LABEL_STYLE = { fontSize: 11, fill: '#dc2626', fontWeight: 600 };

/** A stored graph as React Flow nodes and edges; `decorate` adds per-node status, diff or problems. */
export function toFlow(
  graph: Graph,
  types: NodeTypes,
  decorate: (nodeId: string) => Partial<WorkflowNodeData> = () => ({}),
): { nodes: FlowNode[]; edges: Edge[] } {
  const loops = loopIds(graph, types);
  const parents = new Map(graph.nodes.map((node) => [node.id, drawnParent(node, loops)]));
  const nodes = framesFirst(graph.nodes).map((node): FlowNode => {
    const parentId = parents.get(node.id);
    const data = {
      type: node.type,
      name: node.name,
      config: node.config,
      ...(node.settings ? { settings: node.settings } : {}),
      ...decorate(node.id),
    };
    if (loops.has(node.id)) {
      const size = node.size ?? LOOP_DEFAULT_SIZE;
      return {
        id: node.id,
        type: 'loop',
        position: node.position,
        width: size.width,
        height: size.height,
        ...(parentId ? { parentId } : {}),
        data,
      };
    }
    return { id: node.id, type: 'workflow', position: node.position, ...(parentId ? { parentId } : {}), data };
  });
  const edges = graph.edges.map((edge): Edge => {
    const targetHandle = targetHandleOf(edge, parents, loops);
    return {
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourcePort,
      target: edge.target,
      ...(targetHandle ? { targetHandle } : {}),
      ...edgeLabel(edge, loops),
    };
  });
  return { nodes, edges };
}
