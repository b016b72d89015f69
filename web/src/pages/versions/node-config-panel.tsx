import { X } from 'lucide-react';
import { useNodeTypes } from '../../api/queries/node-types.ts';
import type { GraphNode } from '../../api/types.ts';
import { NodeChip } from '../../canvas/node-icon.tsx';
import { JsonView } from '../../components/json-view.tsx';

/** The side panel of a read-only canvas: the clicked node's type and its config as JSON. */
export function NodeConfigPanel({ node, onClose }: { node: GraphNode; onClose: () => void }) {
  const types = useNodeTypes().data;
  const nodeType = types?.get(node.type);
  return (
    <aside
      aria-label={`Node ${node.name}`}
      className="flex w-96 shrink-0 flex-col overflow-hidden border-l border-slate-200 bg-white"
    >
      <div className="flex items-start gap-2.5 border-b border-slate-100 p-4">
        <NodeChip type={nodeType} />
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-sm font-semibold text-slate-900">{node.name}</h2>
          <p className="truncate text-xs text-slate-500">
            {nodeType?.title ?? node.type} · <span className="font-mono">{node.id}</span>
          </p>
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close node details"
          className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          <X className="size-4" />
        </button>
      </div>
      <div className="flex-1 overflow-y-auto p-4">
        {nodeType?.description && <p className="mb-3 text-sm text-slate-600">{nodeType.description}</p>}
        <h3 className="mb-1.5 text-xs font-medium tracking-wide text-slate-500 uppercase">Configuration</h3>
        <JsonView value={node.config} label="configuration" openDepth={3} />
      </div>
    </aside>
  );
}
