import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';
import type { EndpointInput } from '../endpoints.ts';
import type { ExecutionDetail } from '../types.ts';

/** The executions list's filters, as the API reads them. */
export type ExecutionListQuery = Omit<NonNullable<EndpointInput<'GET /executions'>['query']>, 'cursor' | 'limit'>;

/**
 * The workflow's most recent test run with every step's input and output, or null when it was
 * never test-run. Expression autocompletion reads real paths from it after a reload, until a
 * test run of this editor session replaces it.
 */
export async function fetchLastTestRun(send: typeof call, workflowId: string): Promise<ExecutionDetail | null> {
  const { items } = await send('GET /executions', { query: { workflowId, trigger: 'test', limit: 1 } });
  const last = items[0];
  return last ? send('GET /executions/:id', { params: { id: last.id } }) : null;
}

/** Executions: the filtered list (paged), one execution, and a workflow's last test run. */
export const executionQueries = {
  lists: ['executions'] as const,
  list: (filter: ExecutionListQuery, pageSize: number) =>
    infiniteQueryOptions({
      queryKey: [...executionQueries.lists, filter] as const,
      queryFn: ({ pageParam }) => call('GET /executions', { query: { ...filter, limit: pageSize, cursor: pageParam } }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: ['execution', id] as const,
      queryFn: () => call('GET /executions/:id', { params: { id } }),
    }),
  lastTestRun: (workflowId: string) =>
    queryOptions({
      queryKey: ['last-test-run', workflowId] as const,
      queryFn: () => fetchLastTestRun(call, workflowId),
    }),
};
