import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

/** A workflow's versions, publications, one version and the difference between two. */
export const versionQueries = {
  list: (workflowId: string) =>
    queryOptions({
      queryKey: ['versions', workflowId] as const,
      queryFn: async () => (await call('GET /workflows/:id/versions', { params: { id: workflowId } })).items,
    }),
  publications: (workflowId: string) =>
    queryOptions({
      queryKey: ['publications', workflowId] as const,
      queryFn: async () => (await call('GET /workflows/:id/publications', { params: { id: workflowId } })).items,
    }),
  detail: (workflowId: string, number: number) =>
    queryOptions({
      queryKey: ['version', workflowId, number] as const,
      queryFn: () => call('GET /workflows/:id/versions/:number', { params: { id: workflowId, number } }),
      // Versions never change.
      staleTime: Number.POSITIVE_INFINITY,
    }),
  diff: (workflowId: string, from: number, to: number) =>
    queryOptions({
      queryKey: ['diff', workflowId, from, to] as const,
      queryFn: () => call('GET /workflows/:id/diff', { params: { id: workflowId }, query: { from, to } }),
      staleTime: Number.POSITIVE_INFINITY,
    }),
};
