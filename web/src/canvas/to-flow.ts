import type { Edge } from '@xyflow/react';
import type { Graph } from '../api/types.ts';
import type { WorkflowFlowNode, WorkflowNodeData } from './workflow-node.tsx';

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
      data: { type: node.type, name: node.name, config: node.config, ...decorate(node.id) },
    }),
  );
  const edges = graph.edges.map(
    (edge): Edge => ({
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourcePort,
      target: edge.target,
      ...(edge.sourcePort !== 'main' ? { label: edge.sourcePort } : {}),
    }),
  );
  return { nodes, edges };
}
