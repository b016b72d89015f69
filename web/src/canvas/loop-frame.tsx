import { Handle, type Node, type NodeProps, NodeResizer, NodeToolbar, Position } from '@xyflow/react';
import { AlertCircle } from 'lucide-react';
import { createContext, memo, type ReactNode, useContext } from 'react';
import { statusStyle } from '../components/status-badge.tsx';
import { FRAME_HEADER, LOOP_MIN_SIZE } from './loop-frame-geometry.ts';
import { NodeChip } from './node-icon.tsx';
import { useNodeTypesContext } from './node-types.ts';
import { NameInput, type WorkflowNodeData } from './workflow-node.tsx';

/**
 * A loop drawn as a frame holding its body (a React Flow sub-flow: the body's nodes are its
 * children). Outside, on the header, the loop's inbound handle (left) and its `done` port (right);
 * inside, the `body` port (left) where the body starts and the return handle (right) where the
 * body's last node connects back. The edges' target handles follow that: an edge from inside the
 * frame into the loop ends at `return`, any other at `in` (canvas/to-flow.ts `targetHandleOf`).
 */

export interface LoopFrameData extends WorkflowNodeData {
  /** The editor lets the frame be resized; read-only canvases do not. */
  readonly resizable?: boolean;
  /** A node being dragged would join this frame's body if dropped now. */
  readonly dropping?: boolean;
}

export type LoopFlowNode = Node<LoopFrameData, 'loop'>;

/**
 * What a page adds to a loop's header (the execution page: how the items went, in place of the
 * loop's summary, and the picker of which item's steps the frame shows). Editors and read-only
 * canvases of versions provide nothing.
 */
export interface LoopFrameExtras {
  readonly line?: ReactNode;
  readonly control?: ReactNode;
}
export const LoopFrameSlotContext = createContext<((loopId: string) => LoopFrameExtras | undefined) | null>(null);

/**
 * The header's line about the loop: its list (the expression without its braces) and how it runs,
 * e.g. `input.orders` and "5 at once · skips failed items".
 */
export function loopSummary(config: Record<string, unknown>): { list: string; pace: string } {
  const items = typeof config.items === 'string' ? config.items.replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, '') : '';
  const concurrency = typeof config.concurrency === 'number' ? config.concurrency : 1;
  const pace = concurrency > 1 ? `${concurrency} at once` : 'one at a time';
  const onError = { skip: ' · skips failed items', collect: ' · collects errors' }[String(config.onItemError)] ?? '';
  return { list: items || 'input', pace: `${pace}${onError}` };
}

const portLabel = 'pointer-events-none absolute text-[10px] font-semibold uppercase tracking-wide text-slate-400';

function LoopFrameView({ id, data, selected }: NodeProps<LoopFlowNode>) {
  const types = useNodeTypesContext();
  const type = types.get(data.type);
  const extras = useContext(LoopFrameSlotContext)?.(id);
  const problems = data.problems ?? [];
  const status = data.status ? statusStyle[data.status] : undefined;
  const StatusIcon = status?.icon;
  const border = data.dropping
    ? 'ring-2 ring-accent-500 ring-offset-2'
    : status
      ? `ring-2 ${status.ring}`
      : problems.length > 0
        ? 'ring-1 ring-red-300'
        : selected
          ? 'ring-2 ring-accent-500'
          : 'ring-1 ring-indigo-200';
  const summary = loopSummary(data.config);
  const bodyMiddle = `calc(${FRAME_HEADER}px + (100% - ${FRAME_HEADER}px) / 2)`;

  return (
    <div
      className={`relative h-full w-full rounded-xl shadow-sm ${data.dropping ? 'bg-accent-50' : 'bg-accent-50/40'} ${border}`}
      data-testid={`loop-${data.name}`}
      data-status={data.status}
      data-problems={problems.length || undefined}
      data-dropping={data.dropping || undefined}
    >
      {data.resizable && (
        <NodeResizer
          isVisible={selected ?? false}
          minWidth={LOOP_MIN_SIZE.width}
          minHeight={LOOP_MIN_SIZE.height}
          color="#6366f1"
          handleClassName="!size-2.5 !rounded-sm"
        />
      )}
      {extras?.control && (
        // Above the frame's top edge, at its right, so the header keeps its room for the loop's
        // name and numbers. A node toolbar keeps its size at any zoom: the execution page fits a
        // whole workflow into a narrow canvas, and a picker drawn inside the frame shrank there
        // to unreadable 7 px digits.
        <NodeToolbar isVisible position={Position.Top} align="end" offset={6}>
          {extras.control}
        </NodeToolbar>
      )}
      <div
        className="loop-frame-header flex cursor-grab items-center gap-2.5 rounded-t-xl border-b border-accent-100 bg-white px-3"
        style={{ height: FRAME_HEADER }}
      >
        <NodeChip type={type} />
        <div className="flex min-w-0 flex-1 flex-col justify-center">
          {data.renaming ? (
            <NameInput nodeId={id} name={data.name} />
          ) : (
            <div className="truncate text-sm font-semibold text-slate-900">{data.name}</div>
          )}
          {extras?.line ?? (
            <div className="flex min-w-0 items-center gap-1.5 text-xs text-slate-500">
              <span className="shrink-0">Each of</span>
              <code className="min-w-0 truncate rounded bg-slate-100 px-1 py-px font-mono text-[11px] text-slate-700">
                {summary.list}
              </code>
              <span className="shrink-0 truncate">· {summary.pace}</span>
            </div>
          )}
        </div>
        {StatusIcon && (
          <StatusIcon
            className={`size-4 shrink-0 ${data.status === 'running' ? 'animate-spin text-blue-600' : data.status === 'failed' ? 'text-red-600' : data.status === 'succeeded' ? 'text-emerald-600' : 'text-slate-400'}`}
            aria-label={status?.label}
          />
        )}
        {problems.length > 0 && (
          <span title={problems.join('\n')} className="text-red-600">
            <AlertCircle className="size-4" aria-label={`${problems.length} problem(s)`} />
          </span>
        )}
        <span className="pr-1 text-[11px] font-medium text-slate-500">done</span>
      </div>
      <Handle
        type="target"
        id="in"
        position={Position.Left}
        className="!bg-slate-400"
        style={{ top: FRAME_HEADER / 2 }}
      />
      <Handle
        type="source"
        id="done"
        position={Position.Right}
        className="!bg-slate-400"
        style={{ top: FRAME_HEADER / 2 }}
      />
      {/* Inside the frame: the body's start leaves rightwards, its end comes back from the left. */}
      <Handle
        type="source"
        id="body"
        position={Position.Right}
        className="!size-3 !border-2 !border-white !bg-accent-500"
        style={{ top: bodyMiddle, left: 14, right: 'auto' }}
        title="Each item starts here: connect the body's first node"
      />
      <span className={portLabel} style={{ top: `calc(${bodyMiddle} + 10px)`, left: 6 }}>
        each item
      </span>
      <Handle
        type="target"
        id="return"
        position={Position.Left}
        className="!size-3 !border-2 !border-white !bg-accent-500"
        style={{ top: bodyMiddle, right: 14, left: 'auto' }}
        title="Connect the body's last node here: its output is the item's result"
      />
      <span className={portLabel} style={{ top: `calc(${bodyMiddle} + 10px)`, right: 6 }}>
        result
      </span>
    </div>
  );
}

export const LoopFrame = memo(LoopFrameView);
