import { useQuery } from '@tanstack/react-query';
import type { CredentialTypeInfo } from '../../api/account-types.ts';
import { credentialQueries } from '../../api/queries/credentials.ts';

/** The credential catalogue as the server serves it: the web app lists no type of its own. */
export function useCredentialTypes() {
  return useQuery(credentialQueries.types());
}

/** A type's title, or its name while the catalogue loads or when the server no longer knows it. */
export function typeTitle(types: readonly CredentialTypeInfo[] | undefined, type: string): string {
  return types?.find((candidate) => candidate.type === type)?.title ?? type;
}
