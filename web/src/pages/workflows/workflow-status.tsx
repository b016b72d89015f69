import { Link } from 'react-router';
import type { Workflow } from '../../api/types.ts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { RelativeTime } from '../../components/time.tsx';

/** Whether the workflow's triggers fire: a green dot for active, grey otherwise. */
export function ActivePill({ active }: { active: boolean }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${
        active ? 'bg-emerald-50 text-emerald-700' : 'bg-slate-100 text-slate-600'
      }`}
    >
      <span className={`size-1.5 rounded-full ${active ? 'bg-emerald-500' : 'bg-slate-400'}`} aria-hidden />
      {active ? 'Active' : 'Inactive'}
    </span>
  );
}

/** "v3 published · latest v5", or "Draft only" before the first publication. */
export function VersionLine({ workflow }: { workflow: Pick<Workflow, 'publishedVersion' | 'latestVersion'> }) {
  return (
    <span className="text-xs text-slate-500">
      {workflow.publishedVersion !== null ? (
        <span className="font-medium text-slate-700">v{workflow.publishedVersion} published</span>
      ) : workflow.latestVersion !== null ? (
        <span>Not published</span>
      ) : (
        <span>Draft only</span>
      )}
      {workflow.latestVersion !== null && workflow.latestVersion !== workflow.publishedVersion && (
        <span> · latest v{workflow.latestVersion}</span>
      )}
    </span>
  );
}

export function LastRunCell({ lastRun }: { lastRun: Workflow['lastRun'] }) {
  if (!lastRun) return <span className="text-xs text-slate-400">Never run</span>;
  return (
    <Link
      to={`/executions/${lastRun.executionId}`}
      className="group inline-flex flex-col items-start gap-0.5 rounded focus-visible:outline-2 focus-visible:outline-accent-600"
      aria-label={`Last run ${lastRun.status}`}
    >
      <StatusBadge status={lastRun.status} />
      <RelativeTime iso={lastRun.at} className="text-xs text-slate-500 group-hover:text-slate-900" />
    </Link>
  );
}
