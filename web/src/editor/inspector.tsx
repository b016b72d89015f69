import { ChevronDown, ChevronUp } from 'lucide-react';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { StepRun } from '../api/types.ts';
import { JsonView } from '../components/json-view.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { useEditor } from './store.ts';
import type { TestRun } from './test-run.ts';

/**
 * After a test run, the selected node's step: its input, output and error, for each attempt.
 * Sits under the canvas; collapsible so it never hides the graph for long.
 */
export function Inspector({ run }: { run: TestRun }) {
  const selected = useEditor(useShallow((state) => state.selectedNodeIds));
  const nodeId = selected.length === 1 ? selected[0] : undefined;
  const name = useEditor((state) => state.graph.nodes.find((node) => node.id === nodeId)?.name);
  const [open, setOpen] = useState(true);
  const [chosenAttempt, setChosenAttempt] = useState<number | null>(null);
  if (!nodeId) return null;
  const attempts = (run.detail?.steps ?? [])
    .filter((step) => step.nodeId === nodeId)
    .sort((a, b) => a.attempt - b.attempt);
  const step: StepRun | undefined =
    attempts.find((attempt) => attempt.attempt === chosenAttempt) ?? attempts[attempts.length - 1];
  const liveStatus = run.statuses[nodeId];

  return (
    <section
      className="absolute inset-x-3 bottom-3 z-10 flex max-h-[45%] flex-col rounded-xl bg-white shadow-lg ring-1 ring-slate-200"
      aria-label="Step inspector"
    >
      <header className="flex items-center gap-3 border-b border-slate-100 px-4 py-2">
        <h2 className="text-sm font-semibold text-slate-900">{name}</h2>
        {(step?.status ?? liveStatus) && <StatusBadge status={step?.status ?? liveStatus ?? 'pending'} />}
        {step?.durationMs !== null && step?.durationMs !== undefined && (
          <span className="text-xs text-slate-500">{step.durationMs} ms</span>
        )}
        {attempts.length > 1 && (
          <div className="flex items-center gap-1" role="tablist" aria-label="Attempts">
            {attempts.map((attempt) => (
              <button
                key={attempt.attempt}
                type="button"
                role="tab"
                aria-selected={attempt === step}
                onClick={() => setChosenAttempt(attempt.attempt)}
                className={`rounded px-1.5 py-0.5 text-xs font-medium ${attempt === step ? 'bg-accent-50 text-accent-700' : 'text-slate-500 hover:bg-slate-100'}`}
              >
                Attempt {attempt.attempt}
              </button>
            ))}
          </div>
        )}
        <button
          type="button"
          onClick={() => setOpen(!open)}
          aria-label={open ? 'Collapse inspector' : 'Expand inspector'}
          className="ml-auto rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          {open ? <ChevronDown className="size-4" /> : <ChevronUp className="size-4" />}
        </button>
      </header>
      {open && (
        <div className="min-h-0 overflow-y-auto p-3">
          {!step ? (
            <p className="px-1 py-3 text-sm text-slate-500">
              {liveStatus === 'running' || run.detail === null
                ? 'Waiting for this step…'
                : 'This step did not run in the last test run (its branch was not taken, or the run stopped before it).'}
            </p>
          ) : (
            <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
              <Block title="Input" value={step.input} />
              {step.error !== null && step.error !== undefined ? (
                <Block title="Error" value={step.error} tone="error" />
              ) : (
                <Block
                  title={step.outputPort && step.outputPort !== 'main' ? `Output → ${step.outputPort}` : 'Output'}
                  value={step.output}
                />
              )}
              {step.truncated && (
                <p className="text-xs text-amber-700 md:col-span-2">Large data was cut to the stored size limit.</p>
              )}
              {step.retryAt && (
                <p className="text-xs text-slate-500 md:col-span-2">
                  Next attempt at {new Date(step.retryAt).toLocaleTimeString()}
                </p>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function Block({ title, value, tone }: { title: string; value: unknown; tone?: 'error' }) {
  return (
    <div data-testid={`inspector-${title.split(' ')[0]?.toLowerCase()}`}>
      <h3 className={`mb-1 text-xs font-semibold tracking-wide uppercase ${tone ? 'text-red-600' : 'text-slate-500'}`}>
        {title}
      </h3>
      <JsonView value={value} label={title} />
    </div>
  );
}
