import type { Edge } from '@xyflow/react';
import { ERROR_PORT } from '../../../server/core/graph/settings.ts';
import type { Graph } from '../api/types.ts';
import { ERROR_EDGE_STYLE, type WorkflowFlowNode, type WorkflowNodeData } from './workflow-node.tsx';

/** A stored graph as React Flow nodes and edges; `decorate` adds per-node status, diff or problems. */
export function toFlow(
  graph: Graph,
  decorate: (nodeId: string) => Partial<WorkflowNodeData> = () => ({}),
): { nodes: WorkflowFlowNode[]; edges: Edge[] } {
  const nodes = graph.nodes.map(
    (node): WorkflowFlowNode => ({
      id: node.id,
      type: 'workflow',
      position: node.position,
      data: {
        type: node.type,
        name: node.name,
        config: node.config,
        ...(node.settings ? { settings: node.settings } : {}),
        ...decorate(node.id),
      },
    }),
  );
  const edges = graph.edges.map(
    (edge): Edge => ({
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourcePort,
      target: edge.target,
      ...(edge.sourcePort !== 'main' ? { label: edge.sourcePort } : {}),
      ...(edge.sourcePort === ERROR_PORT ? { style: ERROR_EDGE_STYLE, labelStyle: { fill: '#dc2626' } } : {}),
    }),
  );
  return { nodes, edges };
}
