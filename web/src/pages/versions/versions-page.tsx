import {
  ArrowLeftRight,
  Eye,
  GitCommitVertical,
  History,
  Play,
  Power,
  PowerOff,
  RotateCcw,
  Upload,
} from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Publication, VersionSummary, Workflow } from '../../api/types.ts';
import { useCan, useCanPublishVersion } from '../../auth/session.tsx';
import { Notice } from '../../components/notice.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Button, EmptyState, ErrorState, errorMessage, Spinner } from '../../components/ui.tsx';
import { Person } from './person.tsx';
import { PublishModal } from './publish-modal.tsx';
import { useActivation, usePublications, useVersion, useVersions, useWorkflow } from './queries.ts';
import { RunNowModal } from './run-now-modal.tsx';
import { WebhookPanel } from './webhook-panel.tsx';
import { WorkflowHeader } from './workflow-header.tsx';

/** A workflow's versions, its publication history, and what an admin does with them. */
export function VersionsPage() {
  const { id = '' } = useParams();
  const workflow = useWorkflow(id);
  if (workflow.isPending) return <Spinner label="Loading workflow…" />;
  if (workflow.isError) return <ErrorState error={workflow.error} retry={() => workflow.refetch()} />;
  return <Versions workflow={workflow.data} />;
}

function Versions({ workflow }: { workflow: Workflow }) {
  const versions = useVersions(workflow.id);
  const publications = usePublications(workflow.id);
  const published = useVersion(workflow.id, workflow.publishedVersion);
  const activation = useActivation(workflow.id);
  const [publishing, setPublishing] = useState<number | null>(null);
  const [running, setRunning] = useState(false);

  const canRun = workflow.publishedVersion !== null;
  const mayPublish = useCan('publish');
  return (
    <>
      <WorkflowHeader
        workflow={workflow}
        title={workflow.name}
        actions={
          <>
            {!mayPublish ? null : workflow.active ? (
              <Button
                icon={<PowerOff className="size-4" aria-hidden />}
                busy={activation.isPending}
                onClick={() => activation.mutate(false)}
              >
                Deactivate
              </Button>
            ) : (
              <Button
                icon={<Power className="size-4" aria-hidden />}
                busy={activation.isPending}
                disabled={!canRun}
                title={canRun ? 'Let the schedule or webhook start runs' : 'Publish a version first'}
                onClick={() => activation.mutate(true)}
              >
                Activate
              </Button>
            )}
            {mayPublish && (
              <Button
                variant="primary"
                icon={<Play className="size-4" aria-hidden />}
                disabled={!canRun}
                title={canRun ? undefined : 'Publish a version first'}
                onClick={() => setRunning(true)}
              >
                Run now
              </Button>
            )}
          </>
        }
      />
      {activation.isError && (
        <Notice kind="error" onDismiss={() => activation.reset()}>
          {errorMessage(activation.error)}
        </Notice>
      )}
      {published.data && (
        <WebhookPanel graph={published.data.graph} workflowId={workflow.id} active={workflow.active} />
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section aria-labelledby="versions-title">
          <div className="mb-3 flex items-center justify-between gap-3">
            <h2 id="versions-title" className="text-sm font-semibold text-slate-900">
              Versions
            </h2>
            {versions.data && versions.data.length >= 2 && (
              <CompareForm workflowId={workflow.id} versions={versions.data} />
            )}
          </div>
          {versions.isPending ? (
            <Spinner label="Loading versions…" />
          ) : versions.isError ? (
            <ErrorState error={versions.error} retry={() => versions.refetch()} />
          ) : versions.data.length === 0 ? (
            <EmptyState
              icon={<GitCommitVertical className="size-5" />}
              title="No versions yet"
              action={
                <Link
                  to={`/workflows/${workflow.id}`}
                  className="text-sm font-medium text-accent-600 hover:text-accent-700"
                >
                  Open the editor
                </Link>
              }
            >
              “Save version” in the editor turns a valid draft into v1. Versions never change, so any of them can be
              published or rolled back to later.
            </EmptyState>
          ) : (
            <>
              {!mayPublish && (
                <p className="mb-2 text-xs text-slate-500" data-testid="publish-rights">
                  Only admins publish a version; operators and admins roll back to an earlier one.
                </p>
              )}
              <ol className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
                {[...versions.data].reverse().map((version) => (
                  <VersionRow
                    key={version.number}
                    workflow={workflow}
                    version={version}
                    onPublish={() => setPublishing(version.number)}
                  />
                ))}
              </ol>
            </>
          )}
        </section>
        <section aria-labelledby="history-title">
          <h2 id="history-title" className="mb-3 text-sm font-semibold text-slate-900">
            Publication history
          </h2>
          {publications.isPending ? (
            <Spinner />
          ) : publications.isError ? (
            <ErrorState error={publications.error} retry={() => publications.refetch()} />
          ) : (
            <PublicationHistory items={publications.data} mayPublish={mayPublish} />
          )}
        </section>
      </div>
      {publishing !== null && (
        <PublishModal
          workflowId={workflow.id}
          target={publishing}
          current={workflow.publishedVersion}
          active={workflow.active}
          onClose={() => setPublishing(null)}
        />
      )}
      {running && workflow.publishedVersion !== null && (
        <RunNowModal workflowId={workflow.id} version={workflow.publishedVersion} onClose={() => setRunning(false)} />
      )}
    </>
  );
}

function VersionRow({
  workflow,
  version,
  onPublish,
}: {
  workflow: Workflow;
  version: VersionSummary;
  onPublish: () => void;
}) {
  const isRollback = workflow.publishedVersion !== null && version.number < workflow.publishedVersion;
  const mayPublishThis = useCanPublishVersion(isRollback);
  return (
    <li className="flex items-center gap-4 px-5 py-3.5" data-testid={`version-${version.number}`}>
      <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm font-semibold text-slate-700">
        v{version.number}
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2">
          <p className="truncate text-sm font-medium text-slate-900">
            {version.message || <span className="font-normal text-slate-400 italic">No message</span>}
          </p>
          {version.published && (
            <span className="shrink-0 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200 ring-inset">
              Published
            </span>
          )}
        </div>
        <p className="mt-0.5 flex items-center gap-1.5 text-xs text-slate-500">
          <RelativeTime iso={version.createdAt} /> <Person name={version.author} />
        </p>
      </div>
      <div className="flex shrink-0 items-center gap-1.5">
        <Link
          to={`/workflows/${workflow.id}/versions/${version.number}`}
          className="inline-flex h-7 items-center gap-1.5 rounded-md px-2.5 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-accent-600"
          aria-label={`View v${version.number}`}
        >
          <Eye className="size-3.5" aria-hidden /> View
        </Link>
        {version.number > 1 && (
          <Link
            to={`/workflows/${workflow.id}/compare?from=${version.number - 1}&to=${version.number}`}
            className="inline-flex h-7 items-center gap-1.5 rounded-md px-2.5 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-accent-600"
            aria-label={`Compare v${version.number - 1} with v${version.number}`}
          >
            <ArrowLeftRight className="size-3.5" aria-hidden /> Changes
          </Link>
        )}
        {!version.published && mayPublishThis && (
          <Button
            size="sm"
            variant={isRollback ? 'secondary' : 'primary'}
            icon={
              isRollback ? <RotateCcw className="size-3.5" aria-hidden /> : <Upload className="size-3.5" aria-hidden />
            }
            onClick={onPublish}
            className="w-28"
          >
            {isRollback ? 'Roll back' : 'Publish'}
          </Button>
        )}
        {version.published && <span className="w-28" />}
      </div>
    </li>
  );
}

function CompareForm({ workflowId, versions }: { workflowId: string; versions: VersionSummary[] }) {
  const navigate = useNavigate();
  const last = versions.at(-1)?.number ?? 1;
  const [from, setFrom] = useState(Math.max(1, last - 1));
  const [to, setTo] = useState(last);
  const select =
    'rounded-md border-0 bg-white py-1 pr-7 pl-2 text-xs text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-accent-600';
  return (
    <form
      className="flex items-center gap-1.5 text-xs text-slate-600"
      onSubmit={(event) => {
        event.preventDefault();
        navigate(`/workflows/${workflowId}/compare?from=${from}&to=${to}`);
      }}
    >
      <label htmlFor="compare-from">Compare</label>
      <select
        id="compare-from"
        className={select}
        value={from}
        onChange={(event) => setFrom(Number(event.target.value))}
      >
        {versions.map((version) => (
          <option key={version.number} value={version.number}>
            v{version.number}
          </option>
        ))}
      </select>
      <label htmlFor="compare-to">with</label>
      <select id="compare-to" className={select} value={to} onChange={(event) => setTo(Number(event.target.value))}>
        {versions.map((version) => (
          <option key={version.number} value={version.number}>
            v{version.number}
          </option>
        ))}
      </select>
      <Button size="sm" type="submit" disabled={from === to}>
        Compare
      </Button>
    </form>
  );
}

function PublicationHistory({ items, mayPublish }: { items: Publication[]; mayPublish: boolean }) {
  if (items.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white p-5 text-center text-sm text-slate-500">
        <History className="mx-auto mb-2 size-5 text-slate-400" aria-hidden />
        {mayPublish
          ? 'Nothing published yet. Publish a version (its Publish button) to make it the one that runs.'
          : 'Nothing published yet. Only admins publish: ask one to publish a version to make it the one that runs.'}
      </div>
    );
  }
  return (
    <ol
      className="relative space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="publications"
    >
      {items.map((item, index) => (
        <li key={item.id} className="relative flex gap-3">
          {index < items.length - 1 && (
            <span className="absolute top-6 bottom-[-1rem] left-[0.6875rem] w-px bg-slate-200" aria-hidden />
          )}
          <span
            className={`relative flex size-6 shrink-0 items-center justify-center rounded-full ${
              item.kind === 'rollback' ? 'bg-amber-100 text-amber-700' : 'bg-accent-100 text-accent-700'
            }`}
          >
            {item.kind === 'rollback' ? (
              <RotateCcw className="size-3" aria-hidden />
            ) : (
              <Upload className="size-3" aria-hidden />
            )}
          </span>
          <div className="min-w-0 text-sm">
            <p className="text-slate-900">
              {item.kind === 'rollback' ? (
                <>
                  Rolled back <span className="font-medium">v{item.previousVersion}</span> →{' '}
                  <span className="font-medium">v{item.version}</span>
                </>
              ) : (
                <>
                  Published <span className="font-medium">v{item.version}</span>
                  {item.previousVersion !== null && (
                    <span className="text-slate-500"> (was v{item.previousVersion})</span>
                  )}
                </>
              )}
              {index === 0 && <span className="ml-1.5 text-xs font-medium text-emerald-700">live</span>}
            </p>
            <p className="mt-0.5 flex items-center gap-1.5 text-xs text-slate-500">
              <RelativeTime iso={item.publishedAt} /> <Person name={item.publishedBy} />
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}
