import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

/** Who is signed in, and whether the first account still has to be made. */
export const authQueries = {
  all: ['auth'] as const,
  me: () => queryOptions({ queryKey: [...authQueries.all, 'me'] as const, queryFn: () => call('GET /auth/me') }),
  state: () =>
    queryOptions({ queryKey: [...authQueries.all, 'state'] as const, queryFn: () => call('GET /auth/state') }),
};
