import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

/**
 * Credentials, the choices node settings offer, and the credential catalogue. The choices sit
 * under the listing's key, so adding or deleting a credential refreshes both.
 */
export const credentialQueries = {
  all: ['credentials'] as const,
  list: () =>
    queryOptions({ queryKey: [...credentialQueries.all, 'list'] as const, queryFn: () => call('GET /credentials') }),
  choices: () =>
    queryOptions({
      queryKey: [...credentialQueries.all, 'choices'] as const,
      queryFn: () => call('GET /credential-choices'),
      staleTime: 60_000,
    }),
  /** The catalogue changes only with a new server version. */
  types: () =>
    queryOptions({
      queryKey: ['credential-types'] as const,
      queryFn: () => call('GET /credential-types'),
      staleTime: Number.POSITIVE_INFINITY,
    }),
};
