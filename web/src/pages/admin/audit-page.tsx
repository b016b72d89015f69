import { useInfiniteQuery } from '@tanstack/react-query';
import { ScrollText } from 'lucide-react';
import { useSearchParams } from 'react-router';
import { auditQueries } from '../../api/queries/accounts.ts';
import { Cell, Table } from '../../components/table.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { dateTime, timeAgo } from '../../lib/dates.ts';
import { shortId } from '../../lib/short-id.ts';

const FILTERS = ['action', 'objectType', 'objectId', 'actorId', 'from', 'to'] as const;

/** Filters live in the URL, so a filtered view can be shared or bookmarked. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const set = (key: (typeof FILTERS)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return { filters, set };
}

const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function AuditPage() {
  const { filters, set } = useFilters();
  const query = {
    action: filters.action || undefined,
    objectType: filters.objectType || undefined,
    objectId: filters.objectId || undefined,
    actorId: filters.actorId || undefined,
    from: toIso(filters.from),
    to: toIso(filters.to),
  };
  const entries = useInfiniteQuery({
    ...auditQueries.list(query),
  });
  const input =
    'rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-accent-600';

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change and sign-in, who made it, from where. Entries are never edited."
      />
      <div className="mb-4 flex flex-wrap items-end gap-2">
        <input
          aria-label="Action"
          placeholder="Action, e.g. version.published"
          className={`${input} w-60`}
          value={filters.action}
          onChange={(e) => set('action', e.target.value)}
        />
        <input
          aria-label="Object type"
          placeholder="Object type, e.g. workflow"
          className={`${input} w-48`}
          value={filters.objectType}
          onChange={(e) => set('objectType', e.target.value)}
        />
        <input
          aria-label="Object id"
          placeholder="Object id"
          className={`${input} w-48`}
          value={filters.objectId}
          onChange={(e) => set('objectId', e.target.value)}
        />
        <label className="text-xs text-slate-500">
          From
          <input
            type="datetime-local"
            className={`${input} ml-1.5`}
            value={filters.from}
            onChange={(e) => set('from', e.target.value)}
          />
        </label>
        <label className="text-xs text-slate-500">
          To
          <input
            type="datetime-local"
            className={`${input} ml-1.5`}
            value={filters.to}
            onChange={(e) => set('to', e.target.value)}
          />
        </label>
      </div>
      {entries.isPending ? (
        <Spinner />
      ) : entries.isError ? (
        <ErrorState error={entries.error} retry={() => entries.refetch()} />
      ) : entries.data.pages[0]?.items.length === 0 ? (
        <EmptyState icon={<ScrollText className="size-5" />} title="No entries match">
          Try fewer filters.
        </EmptyState>
      ) : (
        <>
          <Table head={['When', 'Who', 'Action', 'Object', 'From']}>
            {entries.data.pages.flatMap((page) =>
              page.items.map((entry) => (
                <tr key={entry.id}>
                  <Cell className="whitespace-nowrap text-xs text-slate-500">
                    <span title={dateTime(entry.at)}>{timeAgo(entry.at)}</span>
                  </Cell>
                  <Cell>
                    <div className="text-slate-900">{entry.actorLabel}</div>
                    {entry.apiKeyId && <div className="text-xs text-slate-500">via API key</div>}
                  </Cell>
                  <Cell>
                    <button
                      type="button"
                      className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 hover:bg-accent-50 hover:text-accent-700"
                      title="Show only this action"
                      onClick={() => set('action', entry.action)}
                    >
                      {entry.action}
                    </button>
                    {entry.count > 1 && (
                      <span
                        className="ml-1.5 rounded-full bg-accent-50 px-1.5 py-0.5 text-xs font-medium text-accent-700"
                        title={`${entry.count} entries from ${dateTime(entry.firstAt)} to ${dateTime(entry.at)}`}
                        data-testid="audit-count"
                      >
                        ×{entry.count}
                      </span>
                    )}
                  </Cell>
                  <Cell className="text-xs">
                    <span className="text-slate-500">{entry.objectType}</span>
                    {entry.objectLabel && <span className="ml-1 font-medium text-slate-800">{entry.objectLabel}</span>}
                    {entry.objectId && <span className="ml-1 font-mono text-slate-400">{shortId(entry.objectId)}</span>}
                  </Cell>
                  <Cell className="font-mono text-xs text-slate-500">{entry.ip ?? '—'}</Cell>
                </tr>
              )),
            )}
          </Table>
          {entries.hasNextPage && (
            <div className="mt-4 flex justify-center">
              <Button busy={entries.isFetchingNextPage} onClick={() => entries.fetchNextPage()}>
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </>
  );
}
