import { useReactFlow } from '@xyflow/react';
import { LayoutGrid, Maximize2, Redo2, Undo2 } from 'lucide-react';
import { useState } from 'react';
import { IconButton } from '../components/ui.tsx';
import { fitViewOptions } from './fit.ts';
import { layoutGraph } from './layout.ts';
import { modKeyLabel } from './shortcuts.ts';
import { ShortcutsHelp } from './shortcuts-help.tsx';
import { useEditor, useEditorStore } from './store.ts';

/** Top-left of the canvas: undo, redo, tidy up (auto-layout), fit, and the shortcut list. */
export function CanvasToolbar({ helpOpen, onToggleHelp }: { helpOpen: boolean; onToggleHelp: () => void }) {
  const store = useEditorStore();
  const canUndo = useEditor((state) => state.past.length > 0);
  const canRedo = useEditor((state) => state.future.length > 0);
  const empty = useEditor((state) => state.graph.nodes.length === 0);
  const { fitView } = useReactFlow();
  const [busy, setBusy] = useState(false);

  const tidy = async () => {
    setBusy(true);
    try {
      const { graph, types, measured } = store.getState();
      store.getState().applyLayout(await layoutGraph(graph, types, measured));
      requestAnimationFrame(() => void fitView({ ...fitViewOptions, duration: 300 }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="absolute top-3 left-3 z-10 flex items-center gap-0.5 rounded-lg bg-white p-1 shadow-sm ring-1 ring-slate-200">
      <IconButton label={`Undo (${modKeyLabel}+Z)`} disabled={!canUndo} onClick={() => store.getState().undo()}>
        <Undo2 className="size-4" />
      </IconButton>
      <IconButton label={`Redo (${modKeyLabel}+Shift+Z)`} disabled={!canRedo} onClick={() => store.getState().redo()}>
        <Redo2 className="size-4" />
      </IconButton>
      <span className="mx-0.5 h-5 w-px bg-slate-200" aria-hidden />
      <IconButton label="Tidy up (auto-layout)" disabled={empty || busy} onClick={() => void tidy()}>
        <LayoutGrid className="size-4" />
      </IconButton>
      <IconButton
        label="Zoom to fit"
        disabled={empty}
        onClick={() => void fitView({ ...fitViewOptions, duration: 300 })}
      >
        <Maximize2 className="size-4" />
      </IconButton>
      <span className="mx-0.5 h-5 w-px bg-slate-200" aria-hidden />
      <ShortcutsHelp open={helpOpen} onToggle={onToggleHelp} />
    </div>
  );
}
