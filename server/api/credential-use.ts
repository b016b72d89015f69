import type { Caller } from '../auth/caller.ts';
import { credentialReferences, describeLimits, mayUseCredential } from '../core/credential-use.ts';
import type { Repositories } from '../store/repositories.ts';
import { ApiError } from './errors.ts';

/**
 * Refuses (403 `credential_not_allowed`) a graph that names a credential the caller may not use,
 * wherever a graph is saved or run: creating or importing a workflow, saving its draft or a version,
 * running a draft or a version. The worker checks again when a step uses it (the run's user).
 * Unknown ids pass here: they are reported when the step runs, as before.
 */
export async function refuseUnusableCredentials(
  repos: Pick<Repositories, 'credentials'>,
  caller: Caller | undefined,
  graphs: readonly unknown[],
): Promise<void> {
  const user = caller && {
    id: caller.user.id,
    roles: caller.via.kind === 'api_key' ? [caller.user.role, caller.via.role] : [caller.user.role],
    active: caller.user.active,
  };
  for (const reference of graphs.flatMap(credentialReferences)) {
    const credential = await repos.credentials.get(reference.credentialId);
    if (!credential || mayUseCredential(credential, user)) continue;
    throw new ApiError(
      403,
      'credential_not_allowed',
      `node "${reference.nodeName}" (${reference.field}) uses credential "${credential.name}", which you may not use: an admin limits it to ${describeLimits(credential)}`,
    );
  }
}
