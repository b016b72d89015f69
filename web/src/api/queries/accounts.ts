import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';
import type { EndpointInput } from '../endpoints.ts';

export type AuditQuery = Omit<NonNullable<EndpointInput<'GET /audit'>['query']>, 'cursor' | 'limit'>;

/** Users, the caller's API keys and the audit log. */
export const userQueries = {
  list: () => queryOptions({ queryKey: ['users'] as const, queryFn: () => call('GET /users') }),
};

export const apiKeyQueries = {
  list: () => queryOptions({ queryKey: ['api-keys'] as const, queryFn: () => call('GET /api-keys') }),
};

export const auditQueries = {
  list: (filter: AuditQuery) =>
    infiniteQueryOptions({
      queryKey: ['audit', filter] as const,
      queryFn: ({ pageParam }) => call('GET /audit', { query: { ...filter, cursor: pageParam } }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
};
