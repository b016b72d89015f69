import { useQuery } from '@tanstack/react-query';
import type { CredentialTypeInfo } from '../../api/account-types.ts';
import { api } from '../../api/client.ts';

/** The credentials listing; node settings' choices sit under it, so a change here refreshes them too. */
export const CREDENTIALS_KEY = ['credentials'];

/** The credential catalogue as the server serves it: the web app lists no type of its own. */
export function useCredentialTypes() {
  return useQuery({
    queryKey: ['credential-types'],
    queryFn: () => api.get<{ items: CredentialTypeInfo[] }>('/credential-types'),
    // The catalogue changes only with a new server version.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** A type's title, or its name while the catalogue loads or when the server no longer knows it. */
export function typeTitle(types: readonly CredentialTypeInfo[] | undefined, type: string): string {
  return types?.find((candidate) => candidate.type === type)?.title ?? type;
}
