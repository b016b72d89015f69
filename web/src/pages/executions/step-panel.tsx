import { BellOff, Clock, ExternalLink, Hourglass, Recycle, Scissors, TriangleAlert, X } from 'lucide-react';
import { Link } from 'react-router';
import { useNodeTypes } from '../../api/queries/node-types.ts';
import type { GraphNode, StepRun } from '../../api/types.ts';
import { NodeChip } from '../../canvas/node-icon.tsx';
import { JsonView } from '../../components/json-view.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatDateTime, formatDuration } from '../../lib/format.ts';
import { SentRequestView } from './sent-request.tsx';
import { attemptLabel, ignoredReason } from './steps.ts';

/** The side panel of the execution page: every attempt of the clicked node, newest first. */
export function StepPanel({
  node,
  attempts,
  onClose,
}: {
  node: GraphNode;
  attempts: readonly StepRun[];
  onClose: () => void;
}) {
  const types = useNodeTypes().data;
  const nodeType = types?.get(node.type);
  return (
    <aside
      aria-label={`Step ${node.name}`}
      className="flex w-[26rem] shrink-0 flex-col overflow-hidden border-l border-slate-200 bg-white"
      data-testid="step-panel"
    >
      <div className="flex items-start gap-2.5 border-b border-slate-100 p-4">
        <NodeChip type={nodeType} />
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-sm font-semibold text-slate-900">{node.name}</h2>
          <p className="truncate text-xs text-slate-500">
            {nodeType?.title ?? node.type} · {attempts.length} attempt{attempts.length === 1 ? '' : 's'}
          </p>
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close step details"
          className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          <X className="size-4" />
        </button>
      </div>
      <div className="flex-1 space-y-4 overflow-y-auto p-4">
        {attempts.length === 0 ? (
          <p className="rounded-lg bg-slate-50 p-4 text-sm text-slate-500">
            This step has not run in this execution: the run has not reached it, or ended before.
          </p>
        ) : (
          attempts.map((step) => <Attempt key={step.id} step={step} ignored={ignoredReason(step, node.type)} />)
        )}
      </div>
    </aside>
  );
}

function Attempt({ step, ignored }: { step: StepRun; ignored: string | undefined }) {
  return (
    <section className="rounded-lg border border-slate-200" aria-label={attemptLabel(step)}>
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 bg-slate-50/70 px-3 py-2 text-xs">
        <span className="font-semibold text-slate-900">{attemptLabel(step)}</span>
        <StatusBadge status={step.handled ? 'handled' : step.status} />
        {step.outputPort && (
          <span className="rounded bg-slate-200/70 px-1.5 py-0.5 font-mono text-slate-700" title="Output port">
            → {step.outputPort}
          </span>
        )}
        <span className="ml-auto text-slate-500 tabular-nums" title={formatDateTime(step.startedAt)}>
          {formatDuration(step.durationMs)}
        </span>
      </header>
      <div className="space-y-3 p-3">
        {step.waitingFor && (
          <p
            className="flex items-start gap-1.5 rounded-md bg-violet-50 px-2.5 py-1.5 text-xs font-medium text-violet-800 ring-1 ring-violet-200"
            data-testid="waiting-for"
          >
            <Hourglass className="mt-px size-3.5 shrink-0" aria-hidden /> {waitingWords(step.waitingFor)}
          </p>
        )}
        {step.handled && (
          <p
            className="flex items-center gap-1.5 rounded-md bg-amber-50 px-2.5 py-1.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200"
            data-testid="handled-error"
          >
            <TriangleAlert className="size-3.5 shrink-0" aria-hidden />
            {step.outputPort === 'error'
              ? 'Handled: routed to the error port. The run went on; this did not fail it.'
              : 'Handled: continued with the error as output. The run went on; this did not fail it.'}
          </p>
        )}
        {(step.reused || step.truncated || step.retryAt || step.continueAt || ignored) && (
          <div className="flex flex-wrap gap-2 text-xs">
            {ignored && (
              <span className="inline-flex items-center gap-1 rounded bg-amber-50 px-1.5 py-0.5 text-amber-800">
                <BellOff className="size-3" aria-hidden /> Ignored: {ignored}
              </span>
            )}
            {step.reused && (
              <span className="inline-flex items-center gap-1 rounded bg-sky-50 px-1.5 py-0.5 text-sky-700">
                <Recycle className="size-3" aria-hidden /> Reused from the run it retries
              </span>
            )}
            {step.truncated && (
              <span className="inline-flex items-center gap-1 rounded bg-amber-50 px-1.5 py-0.5 text-amber-700">
                <Scissors className="size-3" aria-hidden /> Data truncated (size cap)
              </span>
            )}
            {step.continueAt && (
              <span className="inline-flex items-center gap-1 rounded bg-violet-50 px-1.5 py-0.5 text-violet-700">
                <Hourglass className="size-3" aria-hidden /> Next steps from {formatDateTime(step.continueAt)}
              </span>
            )}
            {step.retryAt && (
              <span className="inline-flex items-center gap-1 rounded bg-amber-50 px-1.5 py-0.5 text-amber-700">
                <Clock className="size-3" aria-hidden /> Retries at {formatDateTime(step.retryAt)}
              </span>
            )}
          </div>
        )}
        {step.child && (
          // A "Run workflow" step: the run it started, whose own steps say what happened there.
          <p className="flex items-center gap-2 text-sm">
            <Link
              to={`/executions/${step.child.executionId}`}
              className="inline-flex items-center gap-1 font-medium text-accent-600 hover:text-accent-700"
            >
              <ExternalLink className="size-3.5" aria-hidden /> Open child run
            </Link>
            <StatusBadge status={step.child.status} />
          </p>
        )}
        {step.error !== null && (
          <div>
            <h3
              className={`mb-1 text-xs font-medium tracking-wide uppercase ${step.handled ? 'text-amber-700' : 'text-red-700'}`}
            >
              Error
            </h3>
            <JsonView value={step.error} label="error" />
          </div>
        )}
        <div>
          <h3 className="mb-1 text-xs font-medium tracking-wide text-slate-500 uppercase">Input</h3>
          <JsonView value={step.input} label="input" />
        </div>
        <SentRequestView request={step.request} />
        {(step.status !== 'failed' || step.handled) && (
          <div>
            <h3 className="mb-1 text-xs font-medium tracking-wide text-slate-500 uppercase">Output</h3>
            <JsonView value={step.output} label="output" />
          </div>
        )}
      </div>
    </section>
  );
}

/** What a suspended step waits for, in words. */
function waitingWords(waiting: NonNullable<StepRun['waitingFor']>): string {
  const until = waiting.until ? formatDateTime(waiting.until) : undefined;
  switch (waiting.kind) {
    case 'time':
      return `Waiting until ${until ?? 'its time'}`;
    case 'callback':
      return `Waiting for a call to its resume URL${until ? `; the URL expires ${until}` : ''}`;
    case 'approval':
      return `Waiting for approval by ${approvers(waiting.role)}${waiting.title ? `: “${waiting.title}”` : ''}${until ? `; times out ${until}` : ''}`;
    default:
      return `Waiting (${waiting.kind})`;
  }
}

/** Who may decide an approval of `role`: that role or a higher one. */
function approvers(role: string | null | undefined): string {
  if (role === 'analyst') return 'an analyst, operator or admin';
  if (role === 'operator') return 'an operator or admin';
  if (role === 'admin') return 'an admin';
  return 'someone';
}
