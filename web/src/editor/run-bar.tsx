import { ExternalLink, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDuration } from '../lib/format.ts';
import type { TestRun } from './test-run.ts';

/** Floating bar over the canvas while and after a test run: overall status, time, link to the execution. */
export function RunBar({ run, onDismiss }: { run: TestRun; onDismiss: () => void }) {
  const finished = ['succeeded', 'failed', 'canceled'].includes(run.status);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [finished]);
  const elapsed = finished && run.detail?.durationMs != null ? run.detail.durationMs : now - run.startedAt;
  const steps = Object.values(run.statuses);
  const done = steps.filter((status) => status === 'succeeded').length;
  return (
    <div
      className="absolute top-3 right-3 z-10 flex items-center gap-3 rounded-full bg-white py-1.5 pr-2 pl-3 whitespace-nowrap shadow-lg ring-1 ring-slate-200"
      data-testid="run-bar"
      data-run-status={run.status}
    >
      <span className="text-xs font-semibold text-slate-700">Test run</span>
      <StatusBadge status={run.status} />
      <span className="text-xs text-slate-500 tabular-nums">
        {done} step{done === 1 ? '' : 's'} done · {formatDuration(elapsed)}
      </span>
      <Link
        to={`/executions/${run.executionId}`}
        className="inline-flex items-center gap-1 text-xs font-medium text-accent-600 hover:text-accent-700"
      >
        View execution
        <ExternalLink className="size-3" aria-hidden />
      </Link>
      <button
        type="button"
        onClick={onDismiss}
        aria-label="Close run results"
        className="rounded-full p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
      >
        <X className="size-3.5" />
      </button>
    </div>
  );
}
