import { useReactFlow } from '@xyflow/react';
import { Search } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { NodeType } from '../api/types.ts';
import { kindLabels, NodeChip } from '../canvas/node-icon.tsx';
import { PackLabel } from '../canvas/pack-label.tsx';
import { NODE_DRAG_TYPE } from './canvas.tsx';
import { NODE_WIDTH } from './graph-ops.ts';
import { useEditorStore } from './store.ts';

const KIND_ORDER = ['trigger', 'condition', 'transform', 'action', 'flow'] as const;

/**
 * The node catalogue, grouped by kind and searchable; a node pack's types sit in their kind's group,
 * labelled with the pack. Drag an entry onto the canvas, or click it
 * to add it right of the selected node, connected from it.
 */
export function Palette({ nodeTypes }: { nodeTypes: readonly NodeType[] }) {
  const [query, setQuery] = useState('');
  const store = useEditorStore();
  const { setCenter, getZoom } = useReactFlow();

  const groups = useMemo(() => {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const matches = nodeTypes.filter((type) => {
      const text = `${type.title} ${type.description} ${type.type} ${type.kind} ${type.pack?.name ?? ''}`.toLowerCase();
      return words.every((word) => text.includes(word));
    });
    return KIND_ORDER.map((kind) => ({ kind, types: matches.filter((type) => type.kind === kind) })).filter(
      (group) => group.types.length > 0,
    );
  }, [nodeTypes, query]);

  const add = (type: string) => {
    const state = store.getState();
    const id = state.addNode(type);
    const node = store.getState().graph.nodes.find((candidate) => candidate.id === id);
    if (node)
      void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + 30, { zoom: getZoom(), duration: 250 });
  };

  return (
    <aside className="flex w-64 shrink-0 flex-col border-r border-slate-200 bg-white" aria-label="Node palette">
      <div className="border-b border-slate-100 p-3">
        <label className="relative block">
          <span className="sr-only">Search nodes</span>
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400" />
          <input
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="Search nodes…"
            className="h-8 w-full rounded-md border-0 bg-slate-100 pr-2 pl-8 text-sm text-slate-900 placeholder:text-slate-400 focus:bg-white focus:ring-2 focus:ring-accent-500 focus:outline-none"
          />
        </label>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 py-2">
        {groups.length === 0 && (
          <p className="px-2 py-6 text-center text-sm text-slate-500">No node matches “{query}”.</p>
        )}
        {groups.map((group) => (
          <section key={group.kind} className="mb-3" aria-labelledby={`palette-kind-${group.kind}`}>
            <h3
              id={`palette-kind-${group.kind}`}
              className="px-2 pt-1 pb-1.5 text-[11px] font-semibold tracking-wide text-slate-400 uppercase"
            >
              {kindLabels[group.kind]}
            </h3>
            <ul className="flex flex-col gap-0.5">
              {group.types.map((type) => (
                <li key={type.type}>
                  <button
                    type="button"
                    draggable
                    onDragStart={(event) => {
                      event.dataTransfer.setData(NODE_DRAG_TYPE, type.type);
                      event.dataTransfer.effectAllowed = 'move';
                    }}
                    onClick={() => add(type.type)}
                    title={`${type.description}\nClick to add after the selected node, or drag onto the canvas.`}
                    data-testid={`palette-${type.type}`}
                    className="group flex w-full cursor-grab items-start gap-2.5 rounded-md px-2 py-1.5 text-left hover:bg-slate-100 active:cursor-grabbing"
                  >
                    <span className="mt-0.5">
                      <NodeChip type={type} size="sm" />
                    </span>
                    <span className="min-w-0">
                      <span className="block text-sm font-medium text-slate-800">{type.title}</span>
                      <span className="line-clamp-2 block text-xs leading-4 text-slate-500">{type.description}</span>
                      {type.pack && (
                        <span className="mt-1 flex">
                          <PackLabel pack={type.pack} />
                        </span>
                      )}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}
