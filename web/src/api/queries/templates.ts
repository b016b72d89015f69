import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

/** The templates gallery: bundled with the server, so it changes only when the server does. */
export const templateQueries = {
  all: ['templates'] as const,
  list: () =>
    queryOptions({
      queryKey: [...templateQueries.all, 'list'] as const,
      queryFn: () => call('GET /templates'),
      staleTime: Number.POSITIVE_INFINITY,
    }),
};
