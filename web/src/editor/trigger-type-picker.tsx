import type { GraphNode } from '../api/types.ts';
import { NodeIcon } from '../canvas/node-icon.tsx';
import { useEditor } from './store.ts';

/**
 * How the workflow starts, changeable in place: a manual trigger becomes a webhook or a schedule
 * keeping its id, name and edges (store.changeType), instead of being deleted, re-added and
 * reconnected. Its settings start afresh for the new type; Undo brings the old ones back.
 */
export function TriggerTypePicker({ node }: { node: GraphNode }) {
  const types = useEditor((state) => state.types);
  const changeType = useEditor((state) => state.changeType);
  const triggers = types.list.filter((type) => type.kind === 'trigger');
  if (triggers.length < 2) return null;
  return (
    <fieldset className="mt-3">
      <legend className="mb-1.5 text-xs font-medium text-slate-500">Starts the workflow</legend>
      <div className="grid auto-cols-fr grid-flow-col gap-0.5 rounded-md bg-slate-100 p-0.5">
        {triggers.map((type) => {
          const chosen = type.type === node.type;
          return (
            <label
              key={type.type}
              title={type.description}
              className={`flex cursor-pointer items-center justify-center gap-1.5 rounded px-2 py-1 text-xs font-medium has-focus-visible:ring-2 has-focus-visible:ring-accent-500 ${chosen ? 'bg-white text-slate-900 shadow-sm ring-1 ring-slate-200' : 'text-slate-600 hover:text-slate-900'}`}
            >
              <input
                type="radio"
                name={`trigger-type-${node.id}`}
                className="sr-only"
                checked={chosen}
                onChange={() => changeType(node.id, type.type)}
              />
              <NodeIcon icon={type.icon} className="size-3.5" />
              {type.title.replace(/ trigger$/, '')}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
