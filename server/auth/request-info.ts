import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address as the socket sees it, or null (in-process requests in tests have no
 * socket). Forwarded-for headers are not trusted: anyone can send them.
 */
export function clientIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/** HTTPS as the client sees it: the URL, or a TLS-terminating proxy's X-Forwarded-Proto. */
export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Defence in depth against cross-site request forgery, beyond the SameSite=Strict cookie: a
 * state-changing request that a browser marks as coming from another site (Sec-Fetch-Site), or
 * whose Origin is not this server, is refused. Answers the reason, or undefined when it may pass.
 */
export function crossSiteProblem(c: Context): string | undefined {
  if (!UNSAFE_METHODS.has(c.req.method)) return undefined;
  const site = c.req.header('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return `a ${site} request may not change anything`;
  const origin = c.req.header('origin');
  if (origin === undefined) return undefined; // not a browser, or a same-origin GET-like navigation
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return 'the Origin header is not a URL';
  }
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  // The scheme too: http://host and https://host are different origins (another server, say).
  const scheme = isHttps(c) ? 'https:' : 'http:';
  return originUrl.host === host && originUrl.protocol === scheme
    ? undefined
    : `requests from ${origin} may not change anything here`;
}
