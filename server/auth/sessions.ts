import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.ts';
import type { SessionRepository } from '../store/repositories.ts';
import { clientIp, isHttps } from './request-info.ts';
import { randomToken, sha256 } from './tokens.ts';

export const SESSION_COOKIE = 'stepwise_session';

type SessionConfig = Pick<Config, 'sessionTtlHours' | 'cookieSecure'>;

/** What starting and ending sessions needs: the sessions' repository and the session settings. */
export interface SessionDeps {
  readonly repos: { readonly sessions: SessionRepository };
  readonly config: SessionConfig;
}

const secure = (c: Context, config: SessionConfig) =>
  config.cookieSecure === 'always' || (config.cookieSecure === 'auto' && isHttps(c));

/**
 * Signs the user in on this browser: a random 32-byte token goes into an HttpOnly, SameSite=Strict
 * cookie and only its SHA-256 into the database. The session ends SESSION_TTL_HOURS after it
 * starts (absolute, not extended by use), at logout, at a password change, or at deactivation.
 */
export async function startSession(c: Context, deps: SessionDeps, userId: string): Promise<void> {
  const token = randomToken();
  const ttlMs = deps.config.sessionTtlHours * 3_600_000;
  await deps.repos.sessions.insert({
    tokenHash: sha256(token),
    userId,
    expiresAt: new Date(Date.now() + ttlMs).toISOString(),
    ip: clientIp(c),
    userAgent: c.req.header('user-agent')?.slice(0, 500) ?? null,
  });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: secure(c, deps.config),
    path: '/',
    maxAge: Math.floor(ttlMs / 1000),
  });
}

/** The hash of the session token this request carries, if any (valid or not). */
export function sessionTokenHash(c: Context): string | undefined {
  const token = getCookie(c, SESSION_COOKIE);
  return token ? sha256(token) : undefined;
}

/** Revokes the request's session, if any, and tells the browser to drop the cookie. */
export async function endSession(c: Context, deps: SessionDeps): Promise<void> {
  const hash = sessionTokenHash(c);
  if (hash) await deps.repos.sessions.revoke(hash);
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: secure(c, deps.config) });
}
