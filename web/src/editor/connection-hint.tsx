import { type FinalConnectionState, useConnection, useStore as useFlowStore } from '@xyflow/react';
import { Ban } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { connectionProblem } from '../../../server/core/graph/connection.ts';
import { NODE_WIDTH } from './graph-ops.ts';
import type { EditorStore } from './store.ts';
import { useEditorStore } from './store.ts';

/**
 * Why the edge being drawn would be refused (a loop, a node joined to itself, a second input where
 * one is allowed, an input into a trigger), said near the pointer while dragging and in a short
 * notice on drop: the shared connection rules give the reason, not only a yes or no.
 */

type Ends = Pick<FinalConnectionState, 'fromNode' | 'fromHandle' | 'toNode' | 'toHandle' | 'pointer'>;

/** The node under a point of the canvas (container pixels), for drops on a node without an input handle. */
function nodeAt(store: EditorStore, point: { x: number; y: number }, transform: readonly number[]): string | undefined {
  const [x = 0, y = 0, zoom = 1] = transform;
  const flow = { x: (point.x - x) / zoom, y: (point.y - y) / zoom };
  const { graph, measured } = store.getState();
  for (let index = graph.nodes.length - 1; index >= 0; index--) {
    const node = graph.nodes[index];
    if (!node) continue;
    const size = measured[node.id] ?? { width: NODE_WIDTH, height: 54 };
    const inside =
      flow.x >= node.position.x &&
      flow.x <= node.position.x + size.width &&
      flow.y >= node.position.y &&
      flow.y <= node.position.y + size.height;
    if (inside) return node.id;
  }
  return undefined;
}

/** The reason the shared rules give for refusing this connection, or undefined (allowed, or no target yet). */
export function refusal(store: EditorStore, ends: Ends, transform: readonly number[]): string | undefined {
  const { fromNode, fromHandle, toNode, toHandle, pointer } = ends;
  if (!fromNode || !fromHandle) return undefined;
  const other = toNode?.id ?? (pointer ? nodeAt(store, pointer, transform) : undefined);
  if (!other) return undefined;
  const { graph, types } = store.getState();
  const fromSource = fromHandle.type === 'source';
  const sourceId = fromSource ? fromNode.id : other;
  const source = graph.nodes.find((node) => node.id === sourceId);
  const port =
    (fromSource ? fromHandle.id : toHandle?.id) ?? (source ? types.portsOf(source.type, source.config)[0] : 'main');
  const problem = connectionProblem(
    graph,
    { source: sourceId, sourcePort: port ?? 'main', target: fromSource ? other : fromNode.id },
    types.lookup,
  );
  if (!problem) return undefined;
  return problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
}

/** Shown beside the pointer while an edge is dragged onto a target the rules refuse. Inside `<ReactFlow>`. */
export function ConnectionHint() {
  const store = useEditorStore();
  const connection = useConnection();
  const transform = useFlowStore((state) => state.transform);
  if (!connection.inProgress || !connection.pointer) return null;
  const reason = refusal(store, connection, transform);
  if (!reason) return null;
  return (
    <div
      role="tooltip"
      data-testid="connection-refusal"
      className="pointer-events-none absolute z-10 flex max-w-xs items-start gap-1.5 rounded-md bg-slate-900 px-2.5 py-1.5 text-xs font-medium text-white shadow-lg"
      style={{ left: connection.pointer.x + 14, top: connection.pointer.y + 14 }}
    >
      <Ban className="mt-px size-3.5 shrink-0 text-red-300" aria-hidden />
      {reason}
    </div>
  );
}

/** On drop: a short notice saying why nothing was connected, at the bottom (clear of the header's toasts), gone after a few seconds. */
export function useRefusedConnectionNotice(store: EditorStore) {
  const [notice, setNotice] = useState<string | null>(null);
  const transform = useFlowStore((state) => state.transform);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(timer);
  }, [notice]);
  const onConnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // The next attempt replaces the last notice: one that worked leaves none behind.
      setNotice(state.isValid ? null : (refusal(store, state, transform) ?? null));
    },
    [store, transform],
  );
  const element = notice ? (
    <div
      role="status"
      className="absolute bottom-6 left-1/2 z-20 flex max-w-lg -translate-x-1/2 items-start gap-2 rounded-lg bg-white px-4 py-2.5 text-sm text-slate-800 shadow-lg ring-1 ring-red-200"
    >
      <Ban className="mt-0.5 size-4 shrink-0 text-red-500" aria-hidden />
      <span>
        <span className="font-medium text-red-700">Not connected: </span>
        {notice}
      </span>
    </div>
  ) : null;
  return { onConnectEnd, notice: element };
}
