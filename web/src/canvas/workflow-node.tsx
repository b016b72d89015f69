import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { AlertCircle } from 'lucide-react';
import { memo } from 'react';
import { findNodeType } from '../../../nodes/catalogue.ts';
import { statusStyle } from '../components/status-badge.tsx';
import { kindStyle, NodeIcon } from './node-icon.tsx';
import { isTrigger, portsOf } from './ports.ts';

/** What a canvas node carries besides its graph node: decorations set by the page showing it. */
export interface WorkflowNodeData extends Record<string, unknown> {
  readonly type: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** Step status from a run (execution detail, live test run). */
  readonly status?: string;
  /** Version comparison: how this node differs. */
  readonly diff?: 'added' | 'removed' | 'changed';
  /** Validation problems naming this node. */
  readonly problems?: readonly string[];
}

export type WorkflowFlowNode = Node<WorkflowNodeData, 'workflow'>;

const diffRing = {
  added: 'ring-2 ring-emerald-500 bg-emerald-50/60',
  removed: 'ring-2 ring-red-400 bg-red-50/60 opacity-70 border-dashed',
  changed: 'ring-2 ring-amber-400 bg-amber-50/60',
} as const;

function WorkflowNodeView({ data, selected }: NodeProps<WorkflowFlowNode>) {
  const definition = findNodeType(data.type);
  const kind = definition?.kind ?? 'action';
  const ports = portsOf(data.type, data.config);
  const status = data.status ? statusStyle[data.status] : undefined;
  const problems = data.problems ?? [];
  const ring = data.diff
    ? diffRing[data.diff]
    : status
      ? `ring-2 ${status.ring}`
      : selected
        ? 'ring-2 ring-accent-500'
        : 'ring-1 ring-slate-200';
  const StatusIcon = status?.icon;

  return (
    <div
      className={`relative w-56 rounded-lg border border-transparent bg-white shadow-sm ${ring}`}
      data-testid={`node-${data.name}`}
      data-status={data.status}
      data-diff={data.diff}
    >
      {!isTrigger(data.type) && <Handle type="target" position={Position.Left} className="!bg-slate-400" />}
      <div className="flex items-center gap-2.5 px-3 py-2.5">
        <span className={`flex size-8 shrink-0 items-center justify-center rounded-md ${kindStyle[kind]?.chip ?? ''}`}>
          <NodeIcon name={definition?.icon ?? 'box'} />
        </span>
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm font-medium text-slate-900">{data.name}</div>
          <div className="truncate text-xs text-slate-500">{definition?.title ?? data.type}</div>
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
      </div>
      {ports.length > 1 ? (
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
        </div>
      ) : (
        <Handle type="source" id={ports[0] ?? 'main'} position={Position.Right} className="!bg-slate-400" />
      )}
    </div>
  );
}

export const WorkflowNode = memo(WorkflowNodeView);
export const nodeTypes = { workflow: WorkflowNode };
