import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

/** Workspace variables (`{{ vars.NAME }}`): the admin page lists and changes them, the editor offers their names. */
export const variableQueries = {
  all: ['variables'] as const,
  list: () =>
    queryOptions({
      queryKey: [...variableQueries.all, 'list'] as const,
      queryFn: () => call('GET /variables'),
      staleTime: 30_000,
    }),
};
