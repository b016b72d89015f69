import { AlertTriangle, CheckCircle2, X } from 'lucide-react';
import type { ReactNode } from 'react';

/** A dismissable line above a page's content: the outcome of an action the user just took. */
export function Notice({
  kind,
  children,
  onDismiss,
}: {
  kind: 'error' | 'success';
  children: ReactNode;
  onDismiss: () => void;
}) {
  const Icon = kind === 'error' ? AlertTriangle : CheckCircle2;
  return (
    <div
      role={kind === 'error' ? 'alert' : 'status'}
      className={`mb-4 flex items-start gap-3 rounded-lg border p-3 text-sm ${
        kind === 'error' ? 'border-red-200 bg-red-50 text-red-800' : 'border-emerald-200 bg-emerald-50 text-emerald-800'
      }`}
    >
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="min-w-0 flex-1">{children}</div>
      <button
        type="button"
        onClick={onDismiss}
        aria-label="Dismiss"
        className="rounded p-0.5 opacity-60 hover:opacity-100"
      >
        <X className="size-4" />
      </button>
    </div>
  );
}
