import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';
import type { EndpointInput } from '../endpoints.ts';
import type { IterationStatus } from '../loop-routes.ts';
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

/**
 * Executions: the filtered list (paged), one execution, a loop's iterations and the steps of one
 * iteration, and a workflow's last test run. An execution's queries share the detail's key as
 * prefix, so the live stream's refresh of the detail refreshes the iteration shown too.
 */
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
  /** A page of a loop's iterations (a loop step in `scope`), from `cursor`, maybe of one status only. */
  iterations: (
    id: string,
    loop: { node: string; scope: string },
    page: { cursor?: number; limit?: number; status?: IterationStatus } = {},
  ) =>
    queryOptions({
      queryKey: [
        'execution',
        id,
        'iterations',
        loop.node,
        loop.scope,
        page.status ?? 'all',
        page.cursor ?? 0,
        page.limit ?? 100,
      ] as const,
      queryFn: () => call('GET /executions/:id/iterations', { params: { id }, query: { ...loop, ...page } }),
    }),
  /** The failed iterations of a loop, page after page (the picker's "failed only"). */
  failedIterations: (id: string, loop: { node: string; scope: string }) =>
    infiniteQueryOptions({
      queryKey: ['execution', id, 'iterations', loop.node, loop.scope, 'failed', 'pages'] as const,
      queryFn: ({ pageParam }) =>
        call('GET /executions/:id/iterations', {
          params: { id },
          query: { ...loop, status: 'failed', cursor: pageParam, limit: 500 },
        }),
      initialPageParam: 0,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  /** Every attempt of every step of one iteration path (`scope`, e.g. "36" or "36/2"). */
  steps: (id: string, scope: string) =>
    queryOptions({
      queryKey: ['execution', id, 'steps', scope] as const,
      queryFn: () => call('GET /executions/:id/steps', { params: { id }, query: { scope } }),
    }),
  lastTestRun: (workflowId: string) =>
    queryOptions({
      queryKey: ['last-test-run', workflowId] as const,
      queryFn: () => fetchLastTestRun(call, workflowId),
    }),
};
