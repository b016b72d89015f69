import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ExternalLink } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { versionQueries } from '../api/queries/versions.ts';
import { workflowQueries } from '../api/queries/workflows.ts';
import { shortId } from '../lib/short-id.ts';
import { useDebounced } from '../lib/use-debounced.ts';
import { inputClass } from './input-class.ts';

/**
 * The workflow a "Run workflow" node calls (`format: 'workflow'`), picked by name: a search box
 * over the workflows' names, the matches to choose from, and an "Open" link to the one chosen
 * (in a new tab, so the editor open here keeps its place). A chosen workflow the search does not
 * show (or that is gone) stays chosen and is named for what it is.
 */
export function WorkflowField({
  id,
  value,
  invalid,
  onChange,
}: {
  id: string;
  value: unknown;
  invalid: boolean;
  onChange: (value: string | undefined) => void;
}) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const matches = useQuery({ ...workflowQueries.search(q), placeholderData: keepPreviousData });
  const current = typeof value === 'string' && value !== '' ? value : undefined;
  const chosen = useQuery({ ...workflowQueries.detail(current ?? ''), enabled: current !== undefined });
  const items = matches.data?.items ?? [];
  const listed = current !== undefined && items.some((item) => item.id === current);
  return (
    <div className="flex flex-col gap-1.5">
      <input
        type="search"
        aria-label="Search workflows by name"
        placeholder="Search workflows by name…"
        className={inputClass(false)}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div className="flex items-center gap-2">
        <select
          id={id}
          className={inputClass(invalid)}
          value={current ?? ''}
          onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
        >
          {current === undefined && <option value="">{matches.isPending ? 'Loading…' : 'Choose a workflow…'}</option>}
          {current !== undefined && !listed && (
            <option value={current}>
              {chosen.data ? chosen.data.name : chosen.isError ? `Unknown workflow (${shortId(current)})` : 'Loading…'}
            </option>
          )}
          {items.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
              {item.publishedVersion === null ? ' (not published)' : ''}
            </option>
          ))}
        </select>
        {current !== undefined && (
          <Link
            to={`/workflows/${current}`}
            target="_blank"
            rel="noopener"
            className="inline-flex shrink-0 items-center gap-1 text-sm font-medium text-accent-600 hover:text-accent-700"
          >
            <ExternalLink className="size-3.5" aria-hidden /> Open
          </Link>
        )}
      </div>
      {matches.data && items.length === 0 && <p className="text-xs text-slate-500">No workflow matches “{q}”.</p>}
    </div>
  );
}

/**
 * Which version of the chosen workflow runs (`format: 'workflow-version'`): "Published" (whatever
 * is published when the step runs) or a fixed number, listed from the workflow's versions.
 */
export function WorkflowVersionField({
  id,
  workflowId,
  value,
  invalid,
  onChange,
}: {
  id: string;
  workflowId: string | undefined;
  value: unknown;
  invalid: boolean;
  onChange: (value: 'published' | number) => void;
}) {
  const versions = useQuery({ ...versionQueries.list(workflowId ?? ''), enabled: workflowId !== undefined });
  const current = typeof value === 'number' ? value : 'published';
  const numbers = (versions.data ?? []).map((version) => version.number);
  return (
    <select
      id={id}
      className={inputClass(invalid)}
      value={String(current)}
      onChange={(event) => onChange(event.target.value === 'published' ? 'published' : Number(event.target.value))}
    >
      <option value="published">Published version (whichever is live when the step runs)</option>
      {typeof current === 'number' && !numbers.includes(current) && <option value={current}>v{current}</option>}
      {(versions.data ?? [])
        .slice()
        .reverse()
        .map((version) => (
          <option key={version.number} value={version.number}>
            v{version.number}
            {version.published ? ' (published now)' : ''}
            {version.message ? ` — ${version.message}` : ''}
          </option>
        ))}
    </select>
  );
}
