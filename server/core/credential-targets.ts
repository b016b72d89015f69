/**
 * A credential's allowed targets: `scheme://host[:port][/path prefix]`. A credential is sent only
 * to a URL with the same origin (scheme, host and port, compared as the URL standard normalizes
 * them) whose path is the prefix or lies under it (`/v1` allows `/v1` and `/v1/orders`, not
 * `/v10`). An empty list allows nothing. Pure: the API normalizes targets with it, the worker
 * matches with it.
 */

/** A target written as an admin may type it, normalized (`HTTPS://Api.Example.com:443/v1/` → `https://api.example.com/v1`); or why not. */
export function normalizeTarget(text: string): { target: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { error: `"${text}" is not a URL: write scheme://host[:port][/path]` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `"${text}" must be http:// or https://` };
  if (url.username || url.password) return { error: `"${text}" must not carry a user name or password` };
  if (url.search || url.hash || text.includes('?') || text.includes('#')) {
    return { error: `"${text}" must not have a query or fragment` };
  }
  if (text.includes('*')) return { error: `"${text}": wildcards are not supported, list each host` };
  return { target: url.origin + url.pathname.replace(/\/+$/, '') };
}

/** Whether one (normalized) target allows sending to `url`. */
export function targetAllows(target: string, url: URL): boolean {
  let allowed: URL;
  try {
    allowed = new URL(target);
  } catch {
    return false;
  }
  if (allowed.origin !== url.origin) return false;
  const prefix = allowed.pathname.replace(/\/+$/, '');
  return prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}

/** Whether any of the targets allows `url`; never for an empty list. */
export function targetsAllow(targets: readonly string[], url: URL): boolean {
  return targets.some((target) => targetAllows(target, url));
}

/** A URL as an error may show it: origin and path, no query (it may carry data). */
export const describeUrl = (url: URL): string => url.origin + url.pathname;
