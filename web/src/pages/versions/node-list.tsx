import { useNodeTypes } from '../../api/queries/node-types.ts';
import type { Graph } from '../../api/types.ts';
import { NodeChip } from '../../canvas/node-icon.tsx';

/** The side panel before a node is picked: every node of the version, the keyboard way in. */
export function NodeList({ graph, onSelect }: { graph: Graph; onSelect: (nodeId: string) => void }) {
  const types = useNodeTypes().data;
  return (
    <aside
      aria-label="Nodes"
      className="flex w-96 shrink-0 flex-col overflow-hidden border-l border-slate-200 bg-white"
    >
      <div className="border-b border-slate-100 px-4 py-3">
        <h2 className="text-sm font-semibold text-slate-900">
          {graph.nodes.length} node{graph.nodes.length === 1 ? '' : 's'}
        </h2>
        <p className="text-xs text-slate-500">Read-only. Pick a node to see its configuration.</p>
      </div>
      <ul className="flex-1 overflow-y-auto p-2">
        {graph.nodes.map((node) => {
          const nodeType = types?.get(node.type);
          return (
            <li key={node.id}>
              <button
                type="button"
                onClick={() => onSelect(node.id)}
                className="flex w-full items-center gap-2.5 rounded-md px-2 py-2 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-600"
              >
                <NodeChip type={nodeType} size="sm" />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium text-slate-900">{node.name}</span>
                  <span className="block truncate text-xs text-slate-500">{nodeType?.title ?? node.type}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
