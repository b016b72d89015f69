import { AlertTriangle, Check, CloudOff, Loader2 } from 'lucide-react';
import type { SaveState } from './autosave.ts';

/** What autosave is doing, in words: the user should never wonder whether an edit is kept. */
export function SaveIndicator({ state }: { state: SaveState }) {
  const common = 'inline-flex items-center gap-1.5 text-xs font-medium whitespace-nowrap';
  switch (state.kind) {
    case 'saved':
      return (
        <span className={`${common} text-slate-500`} role="status" data-save-state="saved">
          <Check className="size-3.5 text-emerald-600" aria-hidden />
          All changes saved
        </span>
      );
    case 'pending':
      return (
        <span className={`${common} text-slate-500`} role="status" data-save-state="pending">
          <span className="size-1.5 rounded-full bg-amber-500" aria-hidden />
          Unsaved changes
        </span>
      );
    case 'saving':
      return (
        <span className={`${common} text-slate-500`} role="status" data-save-state="saving">
          <Loader2 className="size-3.5 animate-spin" aria-hidden />
          Saving…
        </span>
      );
    case 'retrying':
      return (
        <span className={`${common} text-amber-700`} role="status" data-save-state="retrying" title={state.message}>
          <CloudOff className="size-3.5" aria-hidden />
          Couldn’t save — retrying
        </span>
      );
    case 'conflict':
      return (
        <span className={`${common} text-red-700`} role="status" data-save-state="conflict" title={state.message}>
          <AlertTriangle className="size-3.5" aria-hidden />
          Changed elsewhere — not saved
        </span>
      );
    case 'error':
      return (
        <span className={`${common} text-red-700`} role="status" data-save-state="error" title={state.message}>
          <AlertTriangle className="size-3.5" aria-hidden />
          Couldn’t save: {state.message}
        </span>
      );
  }
}
