import { useEffect } from 'react';
import type { EditorStore } from './store.ts';

/** Every editor shortcut, listed once: the handler below and the "?" help both read it. */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; label: string }> = [
  { keys: ['Delete'], label: 'Delete the selection (also Backspace)' },
  { keys: ['Mod', 'C'], label: 'Copy the selected nodes' },
  { keys: ['Mod', 'V'], label: 'Paste' },
  { keys: ['Mod', 'D'], label: 'Duplicate the selection' },
  { keys: ['Mod', 'Z'], label: 'Undo' },
  { keys: ['Shift', 'Mod', 'Z'], label: 'Redo (also Ctrl+Y)' },
  { keys: ['Mod', 'A'], label: 'Select all nodes' },
  { keys: ['F2'], label: 'Rename the selected node (or double-click its name)' },
  { keys: ['Shift', 'Drag'], label: 'Select with a box; Shift+click adds to the selection' },
  { keys: ['Mod', 'S'], label: 'Save now' },
  { keys: ['?'], label: 'Show these shortcuts' },
];

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const modKeyLabel = isMac ? '⌘' : 'Ctrl';

/** Typing in a field keeps its own keys (Backspace deletes a letter there, not a node). */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    !!target.closest('.cm-editor')
  );
}

export function useEditorShortcuts(
  store: EditorStore,
  actions: { onSave: () => void; onHelp: () => void; enabled: boolean },
): void {
  const { onSave, onHelp, enabled } = actions;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      const mod = event.metaKey || event.ctrlKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        event.preventDefault();
        onSave();
        return;
      }
      if (isEditable(event.target) || document.querySelector('[aria-modal="true"]')) return;
      const state = store.getState();
      let handled = true;
      if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) state.deleteSelection();
      else if (mod && key === 'z' && !event.shiftKey) state.undo();
      else if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) state.redo();
      else if (mod && key === 'c') handled = state.copy();
      else if (mod && key === 'v') state.paste();
      else if (mod && key === 'd') state.duplicate();
      else if (mod && key === 'a') state.select(state.graph.nodes.map((node) => node.id));
      else if (event.key === 'F2' && state.selectedNodeIds.length === 1)
        state.setRenaming(state.selectedNodeIds[0] ?? null);
      else if (event.key === '?') onHelp();
      else if (event.key === 'Escape') state.select([]);
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, onSave, onHelp, enabled]);
}
