import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Activity, FilterX } from 'lucide-react';
import { useId } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { executionQueries } from '../../api/queries/executions.ts';
import { workflowQueries } from '../../api/queries/workflows.ts';
import type { ExecutionSummary } from '../../api/types.ts';
import { StatusBadge, statusStyle } from '../../components/status-badge.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { formatDuration } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import {
  apiQuery,
  EXECUTION_STATUSES,
  type ExecutionFilters,
  filtersFromParams,
  hasFilters,
  paramsFromFilters,
  refreshInterval,
  TRIGGER_KINDS,
} from './filters.ts';
import { TriggerLabel, triggerLabel } from './trigger-label.tsx';
import { useRunEvents } from './use-run-events.ts';

const PAGE_SIZE = 50;
const control =
  'block w-full rounded-md border-0 bg-white py-1.5 pl-2.5 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-accent-600 focus:outline-none';

/**
 * Every run across workflows, newest first, filtered through the URL. Live: the server tells when
 * runs change and the list asks again (at most once a second); polling covers what it cannot tell.
 */
export function ExecutionsPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const setFilters = (next: ExecutionFilters) => setParams(paramsFromFilters(next), { replace: true });
  const queryClient = useQueryClient();
  const streaming = useRunEvents(() => void queryClient.invalidateQueries({ queryKey: executionQueries.lists }));

  const executions = useInfiniteQuery({
    ...executionQueries.list(apiQuery(filters), PAGE_SIZE),
    placeholderData: (previous) => previous,
    refetchInterval: (query) =>
      refreshInterval(
        query.state.data?.pages.flatMap((page) => page.items.map((item) => item.status)) ?? [],
        streaming,
      ),
  });
  const items = executions.data?.pages.flatMap((page) => page.items) ?? [];
  const anyLive = items.some(
    (item) => item.status === 'queued' || item.status === 'running' || item.status === 'waiting',
  );

  return (
    <>
      <PageHeader
        title="Executions"
        description="Every run of every workflow, newest first. Open one to see each step’s input and output."
        actions={
          anyLive ? (
            <span className="inline-flex items-center gap-2 text-xs font-medium text-blue-700" role="status">
              <span className="relative flex size-2">
                <span className="absolute inline-flex size-full animate-ping rounded-full bg-blue-400 opacity-75" />
                <span className="relative inline-flex size-2 rounded-full bg-blue-500" />
              </span>
              Live
            </span>
          ) : undefined
        }
      />
      <FilterBar filters={filters} onChange={setFilters} />
      {executions.isPending ? (
        <Spinner label="Loading executions…" />
      ) : executions.isError ? (
        <ErrorState error={executions.error} retry={() => executions.refetch()} />
      ) : items.length === 0 ? (
        hasFilters(filters) ? (
          <EmptyState
            icon={<FilterX className="size-5" />}
            title="No executions match these filters"
            action={
              <Button size="sm" onClick={() => setFilters({})}>
                Clear filters
              </Button>
            }
          >
            Widen the time range or pick another status.
          </EmptyState>
        ) : (
          <EmptyState
            icon={<Activity className="size-5" />}
            title="No runs yet"
            action={
              <Link to="/workflows" className="text-sm font-medium text-accent-600 hover:text-accent-700">
                Go to workflows
              </Link>
            }
          >
            Runs appear here when a workflow is run by hand, on its schedule or from its webhook. Publish a version and
            use “Run now” to start one.
          </EmptyState>
        )
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-sm" data-testid="executions-table">
            <thead className="border-b border-slate-200 text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-5 py-2.5 font-medium">Status</th>
                <th className="px-3 py-2.5 font-medium">Workflow</th>
                <th className="px-3 py-2.5 font-medium">Trigger</th>
                <th className="px-3 py-2.5 font-medium">Version</th>
                <th className="px-3 py-2.5 font-medium">Started</th>
                <th className="px-5 py-2.5 text-right font-medium">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((execution) => (
                <ExecutionRow key={execution.id} execution={execution} />
              ))}
            </tbody>
          </table>
          {executions.hasNextPage && (
            <div className="border-t border-slate-100 p-3 text-center">
              <Button onClick={() => executions.fetchNextPage()} busy={executions.isFetchingNextPage}>
                Load more
              </Button>
            </div>
          )}
        </div>
      )}
    </>
  );
}

function ExecutionRow({ execution }: { execution: ExecutionSummary }) {
  const navigate = useNavigate();
  const live = execution.status === 'running';
  const now = useNow(live);
  const started = execution.startedAt ?? execution.createdAt;
  const duration = execution.durationMs ?? (live ? now - new Date(started).getTime() : null);
  const href = `/executions/${execution.id}`;
  return (
    <tr
      className="cursor-pointer hover:bg-slate-50"
      onClick={(event) => {
        if (!(event.target as HTMLElement).closest('a')) navigate(href);
      }}
      data-testid="execution-row"
    >
      <td className="px-5 py-3">
        <Link
          to={href}
          className="rounded focus-visible:outline-2 focus-visible:outline-accent-600"
          aria-label={`Execution of ${execution.workflowName}, ${statusStyle[execution.status]?.label ?? execution.status}, ${triggerLabel(execution.trigger)}`}
        >
          <StatusBadge status={execution.status} />
        </Link>
        {execution.handledErrors > 0 && (
          <span
            className="ml-1.5 text-xs font-medium text-amber-700"
            title="Errors its nodes handled: the run went on"
            data-testid="row-handled-errors"
          >
            {execution.handledErrors} handled
          </span>
        )}
      </td>
      <td className="max-w-72 truncate px-3 py-3">
        <Link
          to={`/workflows/${execution.workflowId}/versions`}
          className="font-medium text-slate-900 hover:text-accent-700"
        >
          {execution.workflowName}
        </Link>
      </td>
      <td className="px-3 py-3">
        <TriggerLabel kind={execution.trigger} />
      </td>
      <td className="px-3 py-3 text-slate-600">
        {execution.versionNumber !== null ? (
          `v${execution.versionNumber}`
        ) : (
          <span className="text-slate-400">Draft</span>
        )}
      </td>
      <td className="px-3 py-3 text-slate-600">
        <RelativeTime iso={started} />
      </td>
      <td className="px-5 py-3 text-right text-slate-600 tabular-nums">{formatDuration(duration)}</td>
    </tr>
  );
}

function FilterBar({ filters, onChange }: { filters: ExecutionFilters; onChange: (next: ExecutionFilters) => void }) {
  const workflows = useQuery({
    ...workflowQueries.choices(200),
    staleTime: 60_000,
  });
  const ids = { workflow: useId(), status: useId(), trigger: useId(), from: useId(), to: useId() };
  const set = (patch: Partial<ExecutionFilters>) => onChange({ ...filters, ...patch });
  const known = workflows.data?.items ?? [];
  const label = 'mb-1 block text-xs font-medium text-slate-600';
  return (
    <search className="mb-4 grid grid-cols-2 gap-3 rounded-xl border border-slate-200 bg-white p-3 shadow-sm md:grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.3fr)_minmax(0,1.3fr)_auto]">
      <div>
        <label htmlFor={ids.workflow} className={label}>
          Workflow
        </label>
        <select
          id={ids.workflow}
          className={control}
          value={filters.workflowId ?? ''}
          onChange={(event) => set({ workflowId: event.target.value || undefined })}
        >
          <option value="">All workflows</option>
          {known.map((workflow) => (
            <option key={workflow.id} value={workflow.id}>
              {workflow.name}
            </option>
          ))}
          {filters.workflowId && !known.some((workflow) => workflow.id === filters.workflowId) && (
            <option value={filters.workflowId}>{workflows.isPending ? 'Loading…' : 'Workflow not listed'}</option>
          )}
        </select>
      </div>
      <div>
        <label htmlFor={ids.status} className={label}>
          Status
        </label>
        <select
          id={ids.status}
          className={control}
          value={filters.status ?? ''}
          onChange={(event) => set({ status: (event.target.value || undefined) as ExecutionFilters['status'] })}
        >
          <option value="">Any status</option>
          {EXECUTION_STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusStyle[status]?.label ?? status}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.trigger} className={label}>
          Trigger
        </label>
        <select
          id={ids.trigger}
          className={control}
          value={filters.trigger ?? ''}
          onChange={(event) => set({ trigger: (event.target.value || undefined) as ExecutionFilters['trigger'] })}
        >
          <option value="">Any trigger</option>
          {TRIGGER_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {triggerLabel(kind)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.from} className={label}>
          From
        </label>
        <input
          id={ids.from}
          type="datetime-local"
          className={control}
          value={filters.from ?? ''}
          max={filters.to}
          onChange={(event) => set({ from: event.target.value || undefined })}
        />
      </div>
      <div>
        <label htmlFor={ids.to} className={label}>
          To
        </label>
        <input
          id={ids.to}
          type="datetime-local"
          className={control}
          value={filters.to ?? ''}
          min={filters.from}
          onChange={(event) => set({ to: event.target.value || undefined })}
        />
      </div>
      <div className="flex items-end">
        <Button variant="ghost" size="md" disabled={!hasFilters(filters)} onClick={() => onChange({})}>
          Clear
        </Button>
      </div>
    </search>
  );
}
