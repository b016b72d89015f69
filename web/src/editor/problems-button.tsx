import { AlertCircle, CheckCircle2 } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { Problem } from '../api/types.ts';
import { ProblemList } from './problem-list.tsx';

/** The header's problem count; opens a list, and picking a problem selects its node. */
export function ProblemsButton({
  problems,
  nodeName,
  onPick,
}: {
  problems: readonly Problem[];
  nodeName: (nodeId: string) => string | undefined;
  onPick: (problem: Problem) => void;
}) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  if (problems.length === 0) {
    return (
      <span
        className="inline-flex items-center gap-1.5 text-xs font-medium text-emerald-700"
        data-testid="problems-none"
      >
        <CheckCircle2 className="size-3.5" aria-hidden />
        Ready to run
      </span>
    );
  }
  return (
    <div className="relative" ref={box}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        className="inline-flex h-7 items-center gap-1.5 rounded-full bg-red-50 px-2.5 text-xs font-medium text-red-700 ring-1 ring-red-200 hover:bg-red-100"
      >
        <AlertCircle className="size-3.5" aria-hidden />
        {problems.length} problem{problems.length === 1 ? '' : 's'}
      </button>
      {open && (
        <div className="absolute top-9 right-0 z-30 max-h-96 w-96 overflow-y-auto rounded-xl bg-white p-2 shadow-xl ring-1 ring-slate-200">
          <p className="px-2 pt-1 pb-1.5 text-xs text-slate-500">
            The draft is saved as it is; fix these before saving a version or running it.
          </p>
          <ProblemList
            problems={problems}
            nodeName={nodeName}
            onPick={(problem) => {
              setOpen(false);
              onPick(problem);
            }}
          />
        </div>
      )}
    </div>
  );
}
