import { Background, Controls, type Edge, MiniMap, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { useMemo } from 'react';
import { useNodeTypes } from '../api/queries/node-types.ts';
import type { Graph } from '../api/types.ts';
import { ErrorState, Spinner } from '../components/ui.tsx';
import { nodeTypes } from './flow-node-types.ts';
import { NodeTypesContext } from './node-types.ts';
import { type FlowNode, toFlow } from './to-flow.ts';
import type { WorkflowNodeData } from './workflow-node.tsx';

/**
 * A read-only canvas: versions, comparisons and execution details draw their graph with it.
 * `decorate` colours nodes (step status, diff), `onNodeClick` opens a node's details.
 */
export function GraphCanvas({
  graph,
  decorate,
  edgeStyle,
  onNodeClick,
  selectedNodeId,
  showMiniMap = true,
}: {
  graph: Graph;
  decorate?: (nodeId: string) => Partial<WorkflowNodeData>;
  edgeStyle?: (edge: Edge) => Partial<Edge>;
  onNodeClick?: (nodeId: string) => void;
  selectedNodeId?: string | null;
  /** Small read-only graphs beside a side panel read better without the minimap covering a corner. */
  showMiniMap?: boolean;
}) {
  // Nodes are drawn by their types (ports, icons, loop frames): the canvas waits for them rather
  // than draw a Switch without its case ports and lose the edges leaving them.
  const types = useNodeTypes();
  const { nodes, edges } = useMemo(() => {
    if (!types.data) return { nodes: [], edges: [] };
    const flow = toFlow(graph, types.data, decorate);
    return {
      nodes: flow.nodes.map((node): FlowNode => ({ ...node, selected: node.id === selectedNodeId })),
      edges: edgeStyle ? flow.edges.map((edge) => ({ ...edge, ...edgeStyle(edge) })) : flow.edges,
    };
  }, [graph, decorate, edgeStyle, selectedNodeId, types.data]);

  if (types.error) {
    return (
      <div className="flex h-full items-center justify-center p-8">
        <ErrorState error={types.error} retry={() => void types.refetch()} />
      </div>
    );
  }
  if (!types.data) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Drawing the workflow…" />
      </div>
    );
  }
  return (
    <NodeTypesContext.Provider value={types.data}>
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={Boolean(onNodeClick)}
          onNodeClick={onNodeClick ? (_, node) => onNodeClick(node.id) : undefined}
          fitView
          fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} color="#cbd5e1" />
          <Controls showInteractive={false} />
          {showMiniMap && <MiniMap pannable zoomable className="!bg-white" />}
        </ReactFlow>
      </ReactFlowProvider>
    </NodeTypesContext.Provider>
  );
}
