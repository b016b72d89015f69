import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { AlertCircle } from 'lucide-react';
import { createContext, memo, useContext } from 'react';
import { ERROR_PORT } from '../../../server/core/graph/settings.ts';
import { statusStyle } from '../components/status-badge.tsx';
import { NodeChip } from './node-icon.tsx';
import { nodeSubtitle } from './node-subtitle.ts';
import { useNodeTypesContext } from './node-types.ts';

/** The colour of an error path: the error port's handle and the edges leaving it. */
export const ERROR_EDGE_STYLE = { stroke: '#ef4444', strokeWidth: 1.75, strokeDasharray: '5 3' } as const;

/** What a canvas node carries besides its graph node: decorations set by the page showing it. */
export interface WorkflowNodeData extends Record<string, unknown> {
  readonly type: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** The node's settings (`onError`, `retry`): an error port is drawn when errors are routed to it. */
  readonly settings?: Record<string, unknown> | undefined;
  /** Step status from a run (execution detail, live test run). */
  readonly status?: string;
  /** Version comparison: how this node differs. */
  readonly diff?: 'added' | 'removed' | 'changed';
  /** Validation problems naming this node. */
  readonly problems?: readonly string[];
  /** The editor is renaming this node: its name shows as a text box (see `NodeRenameContext`). */
  readonly renaming?: boolean;
}

/**
 * How an editable canvas takes a node's new name (`null`: renaming canceled). Read-only canvases
 * provide nothing, and names stay plain text.
 */
export const NodeRenameContext = createContext<((nodeId: string, name: string | null) => void) | null>(null);

export function NameInput({ nodeId, name }: { nodeId: string; name: string }) {
  const rename = useContext(NodeRenameContext);
  return (
    <input
      // biome-ignore lint/a11y/noAutofocus: the user just asked to rename this node by double-clicking it
      autoFocus
      aria-label="Node name"
      defaultValue={name}
      maxLength={100}
      onFocus={(event) => event.currentTarget.select()}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === 'Enter') rename?.(nodeId, event.currentTarget.value);
        if (event.key === 'Escape') rename?.(nodeId, null);
      }}
      onBlur={(event) => rename?.(nodeId, event.currentTarget.value)}
      className="nodrag nopan w-full rounded border-0 bg-white px-1 py-0 text-sm font-medium text-slate-900 ring-1 ring-accent-500 focus:outline-none"
    />
  );
}

export type WorkflowFlowNode = Node<WorkflowNodeData, 'workflow'>;

const diffRing = {
  added: 'ring-2 ring-emerald-500 bg-emerald-50/60',
  removed: 'ring-2 ring-red-400 bg-red-50/60 opacity-70 border-dashed',
  changed: 'ring-2 ring-amber-400 bg-amber-50/60',
} as const;

function WorkflowNodeView({ id, data, selected }: NodeProps<WorkflowFlowNode>) {
  const types = useNodeTypesContext();
  const type = types.get(data.type);
  const all = types.portsOf(data.type, data.config, data.settings);
  // The error port is drawn apart, below the others and in red, so a failure path reads as one.
  const routesErrors = data.settings?.onError === 'error-port' && all.at(-1) === ERROR_PORT;
  const ports = routesErrors ? all.slice(0, -1) : all;
  const status = data.status ? statusStyle[data.status] : undefined;
  const problems = data.problems ?? [];
  const ring = data.diff
    ? diffRing[data.diff]
    : status
      ? `ring-2 ${status.ring}`
      : problems.length > 0
        ? 'ring-1 ring-red-300'
        : 'ring-1 ring-slate-200';
  // Selection is an outline, so it still shows on a node coloured by its run status.
  const outline = selected ? 'outline-2 outline-offset-2 outline-accent-500' : '';
  const StatusIcon = status?.icon;
  const subtitle = nodeSubtitle(data.name, type?.title ?? data.type);

  return (
    <div
      className={`relative w-56 rounded-lg border border-transparent bg-white shadow-sm ${ring} ${outline}`}
      data-testid={`node-${data.name}`}
      data-status={data.status}
      data-problems={problems.length || undefined}
      data-diff={data.diff}
    >
      {type?.kind !== 'trigger' && <Handle type="target" position={Position.Left} className="!bg-slate-400" />}
      <div className="flex items-center gap-2.5 px-3 py-2.5">
        <NodeChip type={type} />
        {/* As tall with or without a subtitle: the canvas estimates node heights before measuring. */}
        <div className="flex min-h-9 min-w-0 flex-1 flex-col justify-center">
          {data.renaming ? (
            <NameInput nodeId={id} name={data.name} />
          ) : (
            <div className="truncate text-sm font-medium text-slate-900">{data.name}</div>
          )}
          {subtitle && <div className="truncate text-xs text-slate-500">{subtitle}</div>}
        </div>
        {StatusIcon && (
          <StatusIcon
            className={`size-4 shrink-0 ${data.status === 'running' ? 'animate-spin text-blue-600' : data.status === 'waiting' ? 'text-violet-600' : data.status === 'failed' ? 'text-red-600' : data.status === 'succeeded' ? 'text-emerald-600' : 'text-slate-400'}`}
            aria-label={status?.label}
          />
        )}
        {problems.length > 0 && (
          <span title={problems.join('\n')} className="text-red-600">
            <AlertCircle className="size-4" aria-label={`${problems.length} problem(s)`} />
          </span>
        )}
      </div>
      {ports.length > 1 || routesErrors ? (
        <div className="flex flex-col gap-1 border-t border-slate-100 py-1.5">
          {ports.map((port) => (
            <div key={port} className="relative pr-4 text-right text-[11px] font-medium text-slate-500">
              {port}
              <Handle
                type="source"
                id={port}
                position={Position.Right}
                className={port === 'true' ? '!bg-emerald-500' : port === 'false' ? '!bg-red-400' : '!bg-slate-400'}
              />
            </div>
          ))}
          {routesErrors && (
            <div
              className="relative mt-0.5 border-t border-dashed border-red-200 pt-1 pr-4 text-right text-[11px] font-semibold text-red-600"
              data-testid="error-port"
            >
              on error
              <Handle type="source" id={ERROR_PORT} position={Position.Right} className="!bg-red-500" />
            </div>
          )}
        </div>
      ) : (
        <Handle type="source" id={ports[0] ?? 'main'} position={Position.Right} className="!bg-slate-400" />
      )}
    </div>
  );
}

export const WorkflowNode = memo(WorkflowNodeView);
