import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

/** Approvals: the inbox (pending ones, with the count the navigation shows), decided ones, and one run's. */
export const approvalQueries = {
  all: ['approvals'] as const,
  pending: () =>
    queryOptions({
      queryKey: [...approvalQueries.all, 'pending'] as const,
      queryFn: () => call('GET /approvals', { query: { status: 'pending' } }),
      // The badge and the inbox follow new approvals without a reload.
      refetchInterval: 10_000,
    }),
  /** The newest approvals, pending ones left out by the page: the inbox's "Decided" tab. */
  recent: () =>
    queryOptions({
      queryKey: [...approvalQueries.all, 'recent'] as const,
      queryFn: () => call('GET /approvals', { query: { limit: 50 } }),
    }),
  ofExecution: (executionId: string) =>
    queryOptions({
      queryKey: [...approvalQueries.all, 'execution', executionId] as const,
      queryFn: () => call('GET /approvals', { query: { executionId } }),
    }),
};
