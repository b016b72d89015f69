import type { Context } from 'hono';
import type { Repositories } from '../store/repositories.ts';
import type { Role } from '../store/schema.ts';
import type { UserRow } from '../store/users.ts';
import { type Access, roleAllows } from './access.ts';
import { API_KEY_PREFIX } from './api-keys.ts';
import { sessionTokenHash } from './sessions.ts';
import { sha256 } from './tokens.ts';

/** Who is calling: a signed-in user, through their browser session or one of their API keys. */
export interface Caller {
  readonly user: UserRow;
  readonly via:
    | { readonly kind: 'session'; readonly tokenHash: string }
    | { readonly kind: 'api_key'; readonly keyId: string; readonly prefix: string; readonly role: Role };
  /** How the caller is named in the audit log. */
  readonly label: string;
  can(access: Access): boolean;
}

/** A bearer key that is not live (unknown, revoked, or its user deactivated): the API answers 401. */
export class InvalidApiKey extends Error {
  override name = 'InvalidApiKey';
  constructor() {
    super('the API key is unknown, revoked or its user deactivated');
  }
}

/** last_used_at is written at most this often per key: a busy key must not turn reads into writes. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves the caller from `Authorization: Bearer sw_...` or the session cookie. A bearer header
 * that is not a live key throws `InvalidApiKey` at once (a client that sends one means to be signed in); a
 * missing or dead cookie just means nobody is signed in.
 */
export async function resolveCaller(
  c: Context,
  deps: { readonly repos: Pick<Repositories, 'apiKeys' | 'sessions' | 'users'> },
): Promise<Caller | undefined> {
  const { repos } = deps;
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const secret = match?.[1];
    const key = secret?.startsWith(API_KEY_PREFIX) ? await repos.apiKeys.live(sha256(secret)) : undefined;
    const user = key ? await repos.users.get(key.userId) : undefined;
    if (!key || !user) throw new InvalidApiKey();
    const now = Date.now();
    if (!key.lastUsedAt || now - Date.parse(key.lastUsedAt) >= TOUCH_EVERY_MS) {
      await repos.apiKeys.touch(key.id, new Date(now).toISOString());
    }
    return {
      user,
      via: { kind: 'api_key', keyId: key.id, prefix: key.prefix, role: key.role },
      label: `${user.email} (key ${key.prefix}…)`,
      // A key never holds more than its creator holds now: demoting the creator narrows the key.
      can: (access) => roleAllows(key.role, access) && roleAllows(user.role, access),
    };
  }
  const tokenHash = sessionTokenHash(c);
  if (!tokenHash) return undefined;
  const userId = await repos.sessions.liveUserId(tokenHash);
  const user = userId ? await repos.users.get(userId) : undefined;
  if (!user) return undefined;
  return {
    user,
    via: { kind: 'session', tokenHash },
    label: user.email,
    can: (access) => roleAllows(user.role, access),
  };
}
