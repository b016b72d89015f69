import { useInfiniteQuery } from '@tanstack/react-query';
import { Archive, LayoutTemplate, Plus, Search, Workflow as WorkflowIcon } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { workflowQueries } from '../../api/queries/workflows.ts';
import { useCan } from '../../auth/session.tsx';
import { SearchField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { useDebounced } from '../../lib/use-debounced.ts';
import { CreateWorkflowModal } from './create-modal.tsx';
import { ImportButton } from './import-button.tsx';
import { WorkflowRow } from './workflow-row.tsx';

const PAGE_SIZE = 25;

/** Every workflow: search, live or archived, create, import, and each one's actions. */
export function WorkflowsPage() {
  const canEdit = useCan('edit');
  const [params, setParams] = useSearchParams();
  const archived = params.get('archived') === 'true';
  const [search, setSearch] = useState(params.get('q') ?? '');
  const q = useDebounced(search.trim(), 250);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'success'; message: string } | null>(null);

  // The settled search lives in the URL, so a reload or a shared link shows the same list.
  useEffect(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (q) next.set('q', q);
        else next.delete('q');
        return next;
      },
      { replace: true },
    );
  }, [q, setParams]);

  const workflows = useInfiniteQuery({
    ...workflowQueries.list({ q, archived }, PAGE_SIZE),
    placeholderData: (previous) => previous,
  });
  const items = workflows.data?.pages.flatMap((page) => page.items) ?? [];

  const showArchived = (value: boolean) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set('archived', 'true');
      else next.delete('archived');
      return next;
    });

  return (
    <>
      <PageHeader
        title="Workflows"
        description="Automations built on the canvas: publish a version, then activate it to let its trigger fire."
        actions={
          <>
            {canEdit && <ImportButton />}
            {canEdit && (
              <Button icon={<LayoutTemplate className="size-4" aria-hidden />} onClick={() => navigate('/templates')}>
                New from template
              </Button>
            )}
            {canEdit && (
              <Button
                variant="primary"
                icon={<Plus className="size-4" aria-hidden />}
                onClick={() => setCreating(true)}
              >
                New workflow
              </Button>
            )}
          </>
        }
      />
      {outcome && (
        <Notice kind={outcome.kind} onDismiss={() => setOutcome(null)}>
          {outcome.message}
        </Notice>
      )}
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <SearchField
          label="Search workflows"
          className="max-w-sm"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder="Search by name or description"
        />
        <fieldset className="inline-flex rounded-md bg-slate-100 p-0.5 text-sm" aria-label="Which workflows">
          {[
            { value: false, label: 'Live' },
            { value: true, label: 'Archived' },
          ].map((option) => (
            <button
              key={option.label}
              type="button"
              aria-pressed={archived === option.value}
              onClick={() => showArchived(option.value)}
              className={`rounded px-3 py-1 font-medium focus-visible:outline-2 focus-visible:outline-accent-600 ${
                archived === option.value ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-500 hover:text-slate-800'
              }`}
            >
              {option.label}
            </button>
          ))}
        </fieldset>
        {workflows.isFetching && !workflows.isPending && (
          <span className="text-xs text-slate-400" role="status">
            Updating…
          </span>
        )}
      </div>

      {workflows.isPending ? (
        <Spinner label="Loading workflows…" />
      ) : workflows.isError ? (
        <ErrorState error={workflows.error} retry={() => workflows.refetch()} />
      ) : items.length === 0 ? (
        q ? (
          <EmptyState icon={<Search className="size-5" />} title={`No workflows match “${q}”`}>
            Try another word, or clear the search.
          </EmptyState>
        ) : archived ? (
          <EmptyState
            icon={<Archive className="size-5" />}
            title="Nothing archived"
            action={
              <Button size="sm" onClick={() => showArchived(false)}>
                Back to live workflows
              </Button>
            }
          >
            Archived workflows stop appearing in the list but keep their versions and runs.
          </EmptyState>
        ) : (
          <EmptyState
            icon={<WorkflowIcon className="size-5" />}
            title="No workflows yet"
            action={
              <div className="flex flex-wrap justify-center gap-2">
                <Button
                  variant="primary"
                  icon={<LayoutTemplate className="size-4" aria-hidden />}
                  onClick={() => navigate('/templates')}
                >
                  Start from a template
                </Button>
                <Button icon={<Plus className="size-4" aria-hidden />} onClick={() => setCreating(true)}>
                  Create your first workflow
                </Button>
              </div>
            }
          >
            A workflow starts with a trigger (by hand, on a schedule or from a webhook) and runs steps you connect on
            the canvas. Start from one of the ready-made templates, or import one exported from another Stepwise.
          </EmptyState>
        )
      ) : (
        <div className="rounded-xl border border-slate-200 bg-white shadow-sm">
          <div className="grid grid-cols-[minmax(0,1fr)_9.5rem_8.5rem_7rem_5.5rem] gap-4 border-b border-slate-200 px-5 py-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase">
            <span>Workflow</span>
            <span>Status</span>
            <span>Last run</span>
            <span>Updated</span>
            <span className="sr-only">Actions</span>
          </div>
          <ul className="divide-y divide-slate-100">
            {items.map((workflow) => (
              <WorkflowRow key={workflow.id} workflow={workflow} onOutcome={setOutcome} />
            ))}
          </ul>
          {workflows.hasNextPage && (
            <div className="border-t border-slate-100 p-3 text-center">
              <Button onClick={() => workflows.fetchNextPage()} busy={workflows.isFetchingNextPage}>
                Load more
              </Button>
            </div>
          )}
        </div>
      )}
      {creating && <CreateWorkflowModal onClose={() => setCreating(false)} />}
    </>
  );
}
