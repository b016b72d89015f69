import { Keyboard } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { Kbd } from '../components/ui.tsx';
import { modKeyLabel, SHORTCUTS } from './shortcuts.ts';

/**
 * The "?" popover: every shortcut, so nobody has to guess them. It closes on Escape and on a
 * click anywhere else, like any popover: left open, it covered the nodes one went on to click.
 */
export function ShortcutsHelp({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      // Escape closes the popover and does nothing else (the canvas would clear its selection).
      event.stopImmediatePropagation();
      onToggle();
    };
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && root.current?.contains(event.target)) return;
      onToggle();
    };
    // Capture: React Flow stops the pointer events of its pane and nodes from bubbling this far.
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onPointer, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onPointer, true);
    };
  }, [open, onToggle]);

  return (
    <div className="relative" ref={root}>
      <button
        type="button"
        onClick={onToggle}
        aria-expanded={open}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        className="flex size-8 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900"
      >
        <Keyboard className="size-4" />
      </button>
      {open && (
        <div
          role="dialog"
          aria-label="Keyboard shortcuts"
          className="absolute top-10 left-0 z-30 w-80 rounded-xl bg-white p-3 shadow-xl ring-1 ring-slate-200"
        >
          <h2 className="mb-2 px-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Keyboard shortcuts</h2>
          <ul className="flex flex-col">
            {SHORTCUTS.map((shortcut) => (
              <li key={shortcut.label} className="flex items-center justify-between gap-3 rounded px-1 py-1 text-sm">
                <span className="text-slate-700">{shortcut.label}</span>
                <span className="flex shrink-0 gap-0.5">
                  {shortcut.keys.map((key) => (
                    <Kbd key={key}>{key === 'Mod' ? modKeyLabel : key}</Kbd>
                  ))}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
