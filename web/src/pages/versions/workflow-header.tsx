import { ChevronRight, PencilRuler } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Workflow } from '../../api/types.ts';
import { ActivePill, VersionLine } from '../workflows/workflow-status.tsx';

/** Breadcrumb and title of the pages about one workflow, with the page's own actions on the right. */
export function WorkflowHeader({
  workflow,
  title,
  trail = [],
  actions,
}: {
  workflow: Workflow;
  title: ReactNode;
  trail?: Array<{ to: string; label: string }>;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6">
      <nav aria-label="Breadcrumb" className="mb-2 flex items-center gap-1 text-sm text-slate-500">
        <Link to="/workflows" className="hover:text-slate-900">
          Workflows
        </Link>
        <ChevronRight className="size-3.5" aria-hidden />
        <Link to={`/workflows/${workflow.id}/versions`} className="max-w-64 truncate hover:text-slate-900">
          {workflow.name}
        </Link>
        {trail.map((item) => (
          <span key={item.to} className="flex items-center gap-1">
            <ChevronRight className="size-3.5" aria-hidden />
            <Link to={item.to} className="hover:text-slate-900">
              {item.label}
            </Link>
          </span>
        ))}
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold tracking-tight text-slate-900">{title}</h1>
          <div className="mt-1.5 flex flex-wrap items-center gap-3">
            <ActivePill active={workflow.active} />
            <VersionLine workflow={workflow} />
            {workflow.archived && (
              <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-700">Archived</span>
            )}
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {actions}
          <Link
            to={`/workflows/${workflow.id}`}
            className="inline-flex h-9 items-center gap-2 rounded-md bg-white px-3.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
          >
            <PencilRuler className="size-4" aria-hidden />
            Open editor
          </Link>
        </div>
      </div>
    </div>
  );
}
