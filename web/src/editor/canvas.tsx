import {
  Background,
  Controls,
  type Edge,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  type NodeHandle,
  Position,
  ReactFlow,
  useReactFlow,
  type Viewport,
} from '@xyflow/react';
import { MousePointerClick } from 'lucide-react';
import { type DragEvent, useCallback, useMemo, useRef, useState } from 'react';
import { connectionProblem } from '../../../server/core/graph/connection.ts';
import { ERROR_PORT } from '../../../server/core/graph/settings.ts';
import type { Graph, GraphEdge, GraphNode } from '../api/types.ts';
import { nodeTypes } from '../canvas/flow-node-types.ts';
import { FRAME_HEADER, framesFirst, LOOP_DEFAULT_SIZE } from '../canvas/loop-frame-geometry.ts';
import { type NodeTypes, NodeTypesContext } from '../canvas/node-types.ts';
import { drawnParent, edgeLabel, type FlowNode, loopIds, targetHandleOf } from '../canvas/to-flow.ts';
import { NodeRenameContext } from '../canvas/workflow-node.tsx';
import { useIdle } from '../lib/use-idle.ts';
import { ConnectionHint, useRefusedConnectionNotice } from './connection-hint.tsx';
import { fitViewOptions, MIN_FIT_ZOOM } from './fit.ts';
import { absolutePosition, frameAt, handlePoint } from './frames.ts';
import { NODE_WIDTH } from './graph-ops.ts';
import { useEditor, useEditorStore } from './store.ts';

/** The drag-and-drop payload type a palette entry carries: the node type to add. */
export const NODE_DRAG_TYPE = 'application/x-stepwise-node';

/**
 * Size and handle places of a node before React Flow has measured it (they follow WorkflowNode's
 * markup). Knowing them, React Flow draws only the nodes in view instead of rendering every node
 * once to measure it: a 500-node workflow opens as fast as a small one.
 */
const HEADER_HEIGHT = 54;
const PORT_ROW = 20.5;
const HANDLE = 10;
const ERROR_ROW_GAP = 6;

function estimatedGeometry(node: GraphNode, types: NodeTypes): { height: number; handles: NodeHandle[] } {
  const ports = types.portsOf(node.type, node.config, node.settings);
  // The error port's row sits apart, below a divider (WorkflowNode): a little lower than the rest.
  const errorGap = ports.at(-1) === ERROR_PORT && node.settings?.onError === 'error-port' ? ERROR_ROW_GAP : 0;
  const many = ports.length > 1;
  const height = many ? HEADER_HEIGHT + 13 + ports.length * PORT_ROW - 4 + errorGap : HEADER_HEIGHT;
  const handles: NodeHandle[] = [];
  if (!types.isTrigger(node.type)) {
    handles.push({
      type: 'target',
      position: Position.Left,
      x: -HANDLE / 2,
      y: height / 2 - HANDLE / 2,
      width: HANDLE,
      height: HANDLE,
    });
  }
  ports.forEach((port, index) => {
    const gap = errorGap > 0 && index === ports.length - 1 ? errorGap : 0;
    const y = many ? HEADER_HEIGHT + 7 + index * PORT_ROW + 8 + gap : height / 2;
    handles.push({
      id: port,
      type: 'source',
      position: Position.Right,
      x: NODE_WIDTH - HANDLE / 2,
      y: y - HANDLE / 2,
      width: HANDLE,
      height: HANDLE,
    });
  });
  return { height, handles };
}

/**
 * Where the canvas opens: fitted to the whole graph when that stays readable (`MIN_FIT_ZOOM`), else
 * at that zoom on the trigger (the start of the flow). Fitting 500 nodes at 10% would draw all of
 * them, unreadably small.
 */
export function openingViewport(
  graph: Graph,
  size: { width: number; height: number },
  types: NodeTypes,
): Viewport | 'fit' {
  if (graph.nodes.length === 0) return { x: 0, y: 0, zoom: 1 };
  const xs = graph.nodes.map((node) => node.position.x);
  const ys = graph.nodes.map((node) => node.position.y);
  const width = Math.max(...xs) - Math.min(...xs) + NODE_WIDTH;
  const height = Math.max(...ys) - Math.min(...ys) + 120;
  const fitZoom = Math.min(size.width / (width * 1.25), size.height / (height * 1.25));
  if (fitZoom >= MIN_FIT_ZOOM) return 'fit';
  const anchor =
    graph.nodes.find((node) => types.isTrigger(node.type)) ??
    graph.nodes.reduce((best, node) => (node.position.x < best.position.x ? node : best));
  const zoom = MIN_FIT_ZOOM;
  return { x: 80 - anchor.position.x * zoom, y: size.height / 3 - anchor.position.y * zoom, zoom };
}

interface CachedNode {
  source: GraphNode;
  parentId: string | undefined;
  selected: boolean;
  status: string | undefined;
  problems: string | undefined;
  width: number | undefined;
  height: number | undefined;
  renaming: boolean;
  dropping: boolean;
  flow: FlowNode;
}

/**
 * React Flow nodes for the store's graph. A node object is rebuilt only when its graph node or
 * decorations change, so React Flow (and the memoized node view) skip the others: dragging one
 * node in a 500-node workflow re-renders one node.
 */
function useFlowNodes(
  statuses: Readonly<Record<string, string>>,
  estimate: boolean,
  /** The loop frame a dragged node would join if dropped now: it lights up. */
  dropTarget: string | undefined,
): FlowNode[] {
  const nodes = useEditor((state) => state.graph.nodes);
  const selectedIds = useEditor((state) => state.selectedNodeIds);
  const problems = useEditor((state) => state.problems);
  const measured = useEditor((state) => state.measured);
  const renaming = useEditor((state) => state.renaming);
  const types = useEditor((state) => state.types);
  const cache = useRef(new Map<string, CachedNode>());

  return useMemo(() => {
    const selected = new Set(selectedIds);
    const messages = new Map<string, string[]>();
    for (const problem of problems) {
      if (!problem.nodeId) continue;
      const list = messages.get(problem.nodeId) ?? [];
      list.push(problem.message);
      messages.set(problem.nodeId, list);
    }
    const next = new Map<string, CachedNode>();
    const loops = loopIds({ nodes, edges: [] }, types);
    // React Flow draws a sub-flow's parent before its children.
    const result = framesFirst(nodes).map((node) => {
      const entry = {
        source: node,
        parentId: drawnParent(node, loops),
        selected: selected.has(node.id),
        status: statuses[node.id],
        problems: messages.get(node.id)?.join('\n'),
        width: measured[node.id]?.width,
        height: measured[node.id]?.height,
        renaming: renaming === node.id,
        dropping: dropTarget === node.id,
      };
      const known = cache.current.get(node.id);
      if (
        known &&
        known.source === entry.source &&
        known.parentId === entry.parentId &&
        known.selected === entry.selected &&
        known.status === entry.status &&
        known.problems === entry.problems &&
        known.width === entry.width &&
        known.height === entry.height &&
        known.renaming === entry.renaming &&
        known.dropping === entry.dropping
      ) {
        next.set(node.id, known);
        return known.flow;
      }
      // The same data object when only size or selection changed, so the memoized node view skips.
      const data =
        known &&
        known.source === node &&
        known.status === entry.status &&
        known.problems === entry.problems &&
        known.renaming === entry.renaming &&
        known.dropping === entry.dropping
          ? known.flow.data
          : {
              type: node.type,
              name: node.name,
              config: node.config,
              ...(node.settings ? { settings: node.settings } : {}),
              ...(entry.status ? { status: entry.status } : {}),
              ...(entry.problems ? { problems: messages.get(node.id) } : {}),
              ...(entry.renaming ? { renaming: true } : {}),
              ...(entry.dropping ? { dropping: true } : {}),
            };
      const measuredSize =
        entry.width !== undefined && entry.height !== undefined
          ? { width: entry.width, height: entry.height }
          : undefined;
      const parent = entry.parentId ? { parentId: entry.parentId } : {};
      if (loops.has(node.id)) {
        // A frame's size is the graph's, not a measurement: it is what the resize handles change.
        const size = node.size ?? LOOP_DEFAULT_SIZE;
        const flow: FlowNode = {
          id: node.id,
          type: 'loop',
          position: node.position,
          width: size.width,
          height: size.height,
          selected: entry.selected,
          dragHandle: '.loop-frame-header',
          ...parent,
          data: data === known?.flow.data ? data : { ...data, resizable: true },
        };
        next.set(node.id, { ...entry, flow });
        return flow;
      }
      const geometry = measuredSize || !estimate ? undefined : estimatedGeometry(node, types);
      const flow: FlowNode = {
        id: node.id,
        type: 'workflow',
        position: node.position,
        selected: entry.selected,
        ...parent,
        ...(measuredSize ? { measured: measuredSize } : {}),
        ...(geometry ? { initialWidth: NODE_WIDTH, initialHeight: geometry.height, handles: geometry.handles } : {}),
        data,
      };
      next.set(node.id, { ...entry, flow });
      return flow;
    });
    cache.current = next;
    return result;
  }, [nodes, selectedIds, problems, measured, renaming, statuses, estimate, types, dropTarget]);
}

function useFlowEdges(): Edge[] {
  const edges = useEditor((state) => state.graph.edges);
  const nodes = useEditor((state) => state.graph.nodes);
  const types = useEditor((state) => state.types);
  const selectedIds = useEditor((state) => state.selectedEdgeIds);
  const cache = useRef(new Map<string, { source: GraphEdge; selected: boolean; flow: Edge }>());
  // Which frame each node is in, as a key: edges are rebuilt when a node changes frame, not when one moves.
  const frameKey = useMemo(() => nodes.map((node) => node.parentId ?? '').join('\u0000'), [nodes]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `frameKey` stands for the nodes' frames, all this reads of `nodes`
  const frames = useMemo(() => {
    const loops = loopIds({ nodes, edges: [] }, types);
    return { loops, parents: new Map(nodes.map((node) => [node.id, drawnParent(node, loops)])) };
  }, [frameKey, types]);
  return useMemo(() => {
    const selected = new Set(selectedIds);
    const next = new Map<string, { source: GraphEdge; selected: boolean; flow: Edge }>();
    const result = edges.map((edge) => {
      const isSelected = selected.has(edge.id);
      const targetHandle = targetHandleOf(edge, frames.parents, frames.loops);
      const known = cache.current.get(edge.id);
      if (known && known.source === edge && known.selected === isSelected && known.flow.targetHandle === targetHandle) {
        next.set(edge.id, known);
        return known.flow;
      }
      const flow: Edge = {
        id: edge.id,
        source: edge.source,
        sourceHandle: edge.sourcePort,
        target: edge.target,
        ...(targetHandle ? { targetHandle } : {}),
        selected: isSelected,
        ...edgeLabel(edge, frames.loops),
      };
      next.set(edge.id, { source: edge, selected: isSelected, flow });
      return flow;
    });
    cache.current = next;
    return result;
  }, [edges, selectedIds, frames]);
}

const _ERROR_LABEL_STYLE = { fontSize: 11, fill: '#dc2626', fontWeight: 600 };

const defaultEdgeOptions = {
  style: { strokeWidth: 1.75, stroke: '#94a3b8' },
  labelStyle: { fontSize: 11, fill: '#475569', fontWeight: 500 },
  labelBgStyle: { fill: '#f8fafc' },
  labelBgPadding: [4, 2] as [number, number],
  labelBgBorderRadius: 4,
};

const proOptions = { hideAttribution: true };
const multiSelectKeys = ['Shift', 'Meta', 'Control'];

export function EditorCanvas({ statuses }: { statuses: Readonly<Record<string, string>> }) {
  const store = useEditorStore();
  // Decided once, for the graph as it opened: an empty canvas must not jump when its first node lands.
  const [opening] = useState(() =>
    openingViewport(
      store.getState().graph,
      { width: Math.max(400, window.innerWidth - 256 - 380), height: Math.max(300, window.innerHeight - 56) },
      store.getState().types,
    ),
  );
  // A graph fitted on open must be measured whole first; one opened at a place draws only what is in view.
  const [dropTarget, setDropTarget] = useState<string | undefined>();
  const nodes = useFlowNodes(statuses, opening !== 'fit', dropTarget);
  const edges = useFlowEdges();
  const empty = useEditor((state) => state.graph.nodes.length === 0);
  // The minimap draws every node, where the canvas draws those in view: it comes once the canvas
  // has drawn itself and can be clicked (a 500-node workflow showed its first nodes ~0.1 s sooner).
  const overview = useIdle();
  const { screenToFlowPosition } = useReactFlow();
  const resizing = useRef(new Set<string>());

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const state = store.getState();
      const positions = new Map<string, { x: number; y: number }>();
      const sizes = new Map<string, { width: number; height: number }>();
      let selection: Set<string> | undefined;
      for (const change of changes) {
        if (change.type === 'position' && change.position) positions.set(change.id, change.position);
        else if (change.type === 'dimensions' && change.dimensions && change.setAttributes) {
          // A frame's resize handles: the first change of a resize starts its undo step.
          if (!resizing.current.has(change.id)) {
            resizing.current.add(change.id);
            state.beginMove();
          }
          if (!change.resizing) resizing.current.delete(change.id);
          state.resizeFrame(change.id, change.dimensions);
        } else if (change.type === 'dimensions' && change.dimensions) sizes.set(change.id, change.dimensions);
        else if (change.type === 'select') {
          selection ??= new Set(state.selectedNodeIds);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        }
      }
      if (sizes.size > 0) state.setMeasured(sizes);
      if (positions.size > 0) state.move(positions);
      if (selection) state.select([...selection], store.getState().selectedEdgeIds);
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const state = store.getState();
      let selection: Set<string> | undefined;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        selection ??= new Set(state.selectedEdgeIds);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      }
      if (selection) state.select(store.getState().selectedNodeIds, [...selection]);
    },
    [store],
  );

  const isValidConnection = useCallback(
    (connection: { source: string; sourceHandle?: string | null; target: string }) =>
      !connectionProblem(
        store.getState().graph,
        { source: connection.source, sourcePort: connection.sourceHandle ?? 'main', target: connection.target },
        store.getState().types.lookup,
      ),
    [store],
  );

  /** The frame the first dragged node (not carried by its own frame) would join: what `settle` will decide. */
  const frameUnder = useCallback(
    (ids: readonly string[]) => {
      const { graph, types } = store.getState();
      const moving = new Set(ids);
      const lead = graph.nodes.find((node) => moving.has(node.id) && !(node.parentId && moving.has(node.parentId)));
      if (!lead) return undefined;
      const point = handlePoint(lead, absolutePosition(graph, lead.id), types);
      const frame = frameAt(graph, point, types, moving);
      return frame !== lead.parentId ? frame : undefined;
    },
    [store],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      const point = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // A node lands centred on the pointer; a loop's frame hangs from its header's left end.
      const grip = store.getState().types.offers(type, 'loop-frame')
        ? { x: 60, y: FRAME_HEADER / 2 }
        : { x: NODE_WIDTH / 2, y: 28 };
      store.getState().addNode(type, {
        position: { x: Math.round(point.x - grip.x), y: Math.round(point.y - grip.y) },
        connectFrom: null,
      });
    },
    [store, screenToFlowPosition],
  );

  /**
   * React Flow copies each handler it is given into its store, one store update (and a run of every
   * subscriber's selector, several of them over all nodes) per handler that changed: handlers made
   * anew on every render cost a 500-node canvas tens of milliseconds each time it re-renders.
   */
  const handlers = useMemo(
    () => ({
      onConnect: (connection: { source: string; sourceHandle?: string | null; target: string }) =>
        store.getState().connect({
          source: connection.source,
          sourcePort: connection.sourceHandle ?? 'main',
          target: connection.target,
        }),
      onNodeDragStart: () => store.getState().beginMove(),
      // Dropped into a loop's frame, a node joins its body; dragged out, it leaves it.
      onNodeDrag: (_: unknown, _node: unknown, dragged: FlowNode[]) =>
        setDropTarget(frameUnder(dragged.map((node) => node.id))),
      onNodeDragStop: (_: unknown, _node: unknown, dragged: FlowNode[]) => {
        setDropTarget(undefined);
        store.getState().settle(dragged.map((node) => node.id));
      },
      onSelectionDragStop: (_: unknown, dragged: FlowNode[]) => store.getState().settle(dragged.map((node) => node.id)),
      onSelectionDragStart: () => store.getState().beginMove(),
      onNodeDoubleClick: (_: unknown, node: FlowNode) => store.getState().setRenaming(node.id),
      onDragOver: (event: DragEvent) => {
        if (!event.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
      },
    }),
    [store, frameUnder],
  );

  const rename = useCallback(
    (nodeId: string, name: string | null) => {
      const state = store.getState();
      if (state.renaming !== nodeId) return;
      if (name !== null) state.rename(nodeId, name);
      state.setRenaming(null);
    },
    [store],
  );

  const types = useEditor((state) => state.types);
  const refused = useRefusedConnectionNotice(store);

  return (
    <NodeTypesContext.Provider value={types}>
      <NodeRenameContext.Provider value={rename}>
        <div
          className="relative h-full w-full"
          data-testid="editor-canvas"
          // Paste lands where the pointer is (store.paste).
          onPointerMove={(event) =>
            store.getState().setPointer(screenToFlowPosition({ x: event.clientX, y: event.clientY }))
          }
          onPointerLeave={() => store.getState().setPointer(null)}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            {...handlers}
            isValidConnection={isValidConnection}
            onConnectEnd={refused.onConnectEnd}
            onDrop={onDrop}
            deleteKeyCode={null}
            multiSelectionKeyCode={multiSelectKeys}
            selectionKeyCode="Shift"
            zoomOnDoubleClick={false}
            defaultEdgeOptions={defaultEdgeOptions}
            onlyRenderVisibleElements
            minZoom={0.1}
            maxZoom={2}
            fitView={opening === 'fit'}
            {...(opening === 'fit' ? {} : { defaultViewport: opening })}
            fitViewOptions={fitViewOptions}
            proOptions={proOptions}
          >
            <Background gap={20} size={1} color="#cbd5e1" />
            <Controls showInteractive={false} position="bottom-left" fitViewOptions={fitViewOptions} />
            {!empty && overview && (
              <MiniMap pannable zoomable position="bottom-right" className="!bg-white" nodeColor="#c7d2fe" />
            )}
            <ConnectionHint />
          </ReactFlow>
          {refused.notice}
          {empty && (
            <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
              <div className="flex flex-col items-center rounded-xl border border-dashed border-slate-300 bg-white/80 px-8 py-7 text-center shadow-sm backdrop-blur-sm">
                <span className="mb-3 flex size-10 items-center justify-center rounded-full bg-accent-50 text-accent-600">
                  <MousePointerClick className="size-5" aria-hidden />
                </span>
                <p className="text-sm font-semibold text-slate-900">Drag a trigger from the palette to start</p>
                <p className="mt-1 max-w-xs text-sm text-slate-500">
                  Every workflow begins with one trigger. Then add steps and connect them left to right.
                </p>
              </div>
            </div>
          )}
        </div>
      </NodeRenameContext.Provider>
    </NodeTypesContext.Provider>
  );
}
