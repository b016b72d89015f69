import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

export interface WorkflowListFilter {
  readonly q?: string;
  readonly archived?: boolean;
}

/**
 * Workflows: the list (paged), one workflow and its draft. The list and a workflow have separate
 * roots on purpose: renaming refreshes both, while a list refresh never refetches an open editor's
 * draft (the editor owns the draft while it is open).
 */
export const workflowQueries = {
  lists: ['workflows'] as const,
  list: (filter: WorkflowListFilter, pageSize: number) =>
    infiniteQueryOptions({
      queryKey: [...workflowQueries.lists, filter] as const,
      queryFn: ({ pageParam }) =>
        call('GET /workflows', {
          query: { q: filter.q, archived: String(filter.archived ?? false), limit: pageSize, cursor: pageParam },
        }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  /** Names for a filter menu: the first `limit` workflows, not paged further. */
  choices: (limit: number) =>
    queryOptions({
      queryKey: [...workflowQueries.lists, 'choices', limit] as const,
      queryFn: () => call('GET /workflows', { query: { limit } }),
    }),
  /** Workflows whose name or description matches `q` (the first 20): a "Run workflow" node's picker. */
  search: (q: string) =>
    queryOptions({
      queryKey: [...workflowQueries.lists, 'search', q] as const,
      queryFn: () => call('GET /workflows', { query: { q: q === '' ? undefined : q, limit: 20 } }),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: ['workflow', id] as const,
      queryFn: () => call('GET /workflows/:id', { params: { id } }),
    }),
  draft: (id: string) =>
    queryOptions({
      queryKey: ['draft', id] as const,
      queryFn: () => call('GET /workflows/:id/draft', { params: { id } }),
    }),
};
