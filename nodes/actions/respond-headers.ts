/**
 * Which headers a Respond to webhook node may put on the webhook's answer. Shared by the node (its
 * output shows what is sent) and by the API process that sends it (it re-reads the stored output,
 * which is `unknown` until checked), so both apply the same rule.
 */

/** RFC 9110 token: what a header name may be. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers the answer never carries from a node, lower-case, each with why:
 * - hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, which the server manages;
 * - `content-length` is worked out from the body as sent, so it can never disagree with it;
 * - `set-cookie`: webhook answers come from Stepwise's own origin, where a cookie could overwrite
 *   or shadow the session cookie of whoever opens the URL in a browser.
 */
export const DROPPED_HEADERS: ReadonlyMap<string, string> = new Map([
  ['connection', 'hop-by-hop'],
  ['keep-alive', 'hop-by-hop'],
  ['proxy-authenticate', 'hop-by-hop'],
  ['proxy-authorization', 'hop-by-hop'],
  ['proxy-connection', 'hop-by-hop'],
  ['te', 'hop-by-hop'],
  ['trailer', 'hop-by-hop'],
  ['transfer-encoding', 'hop-by-hop'],
  ['upgrade', 'hop-by-hop'],
  ['content-length', 'worked out from the body'],
  ['set-cookie', 'no cookies on Stepwise’s origin'],
]);

/** A header value may not break the header block: no CR, LF or NUL. */
export const isSafeHeaderValue = (value: string): boolean => !/[\r\n\0]/.test(value);

/** Splits headers into those the answer carries (names lower-cased) and the names it drops. */
export function answerHeaders(headers: Iterable<readonly [string, string]>): {
  kept: Record<string, string>;
  dropped: string[];
} {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    if (DROPPED_HEADERS.has(name) || !HEADER_NAME.test(name) || !isSafeHeaderValue(value)) {
      if (!dropped.includes(name)) dropped.push(name);
      continue;
    }
    kept[name] = value;
  }
  return { kept, dropped };
}

/** Statuses whose answer has no body (RFC 9110): a Respond node with one must pick "empty". */
export const BODILESS_STATUSES: readonly number[] = [204, 205, 304];
