import type { Context } from 'hono';
import type { Caller } from '../auth/caller.ts';
import { clientIp } from '../auth/request-info.ts';
import type { UserRow } from '../store/users.ts';
import type { ApiDeps } from './route.ts';

/** What a handler says happened; who did it and from where come from the request. */
export interface AuditEvent {
  action: string;
  objectType: string;
  objectId?: string | null;
  details?: unknown;
}

/**
 * Appends an audit entry for a change the caller just made. `actor` names the user when the
 * request had no caller yet (signing in, setting up).
 */
export function audit(
  request: { c: Context; deps: Pick<ApiDeps, 'repos'>; caller: Caller | undefined },
  event: AuditEvent,
  actor?: Pick<UserRow, 'id' | 'email'>,
): Promise<void> {
  const { caller } = request;
  return request.deps.repos.audit.append({
    ...event,
    actorKind: caller ? (caller.via.kind === 'api_key' ? 'api_key' : 'user') : actor ? 'user' : 'anonymous',
    actorId: caller?.user.id ?? actor?.id ?? null,
    actorLabel: caller?.label ?? actor?.email ?? '',
    apiKeyId: caller?.via.kind === 'api_key' ? caller.via.keyId : null,
    ip: clientIp(request.c),
  });
}
