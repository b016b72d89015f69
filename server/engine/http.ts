import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { HttpRequest, HttpResponse } from '../../nodes/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { BodyTooLarge, type ExchangeResponse, exchange } from './http-exchange.ts';

/** Largest response body a step keeps; a bigger one fails the step instead of flooding the store. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Redirects followed before a request fails (as fetch's own limit). */
export const MAX_REDIRECTS = 20;

/** What the caller of `sendHttp` adds to a request: how credential headers travel across redirects. */
export interface SendOptions {
  /**
   * Lower-case names of headers that carry a credential. They are dropped when a redirect leaves the
   * origin (scheme, host and port) of the URL first requested, and never sent there or beyond.
   */
  readonly credentialHeaders?: readonly string[];
  /**
   * Query parameters that carry a credential (an API key in the query string), added here to the
   * URL first requested and to each same-origin redirect, as a credential header is kept; never to
   * a URL on another origin, nor after the chain has left the origin once.
   */
  readonly credentialQuery?: Readonly<Record<string, string>>;
  /**
   * Called with every URL that would receive the credential (its headers or query parameters): the
   * first one and each same-origin redirect. Throws (a NonRetryableError) to refuse the request
   * before it is sent.
   */
  readonly checkCredentialTarget?: (url: URL) => void;
  /** Called with every URL before it is requested (the first and each redirect); rejects to refuse it. */
  readonly checkUrl?: (url: URL) => Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A header value that can never be sent (a CR or LF would split the request, NUL is refused by
 * every client): failing at once beats retrying a request that cannot change. The value itself is
 * not quoted, since it may be a secret.
 */
export function refuseUnsendableHeaders(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n\0]/.test(value)) {
      throw new NonRetryableError(`header "${name}" contains a line break or NUL character and can never be sent`);
    }
  }
}

/**
 * Outbound HTTP for nodes: a timeout on the whole exchange, a cap on the body, and redirects followed
 * here rather than by the client, so that a credential header never follows a redirect to another origin
 * (fetch drops only `Authorization` there, a custom header such as `X-Api-Key` would follow).
 */
export async function sendHttp(
  request: HttpRequest,
  signal?: AbortSignal,
  options: SendOptions = {},
): Promise<HttpResponse> {
  refuseUnsendableHeaders(request.headers);
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const credentialHeaders = new Set(options.credentialHeaders ?? []);
  const credentialQuery = Object.entries(options.credentialQuery ?? {});
  const origin = new URL(request.url).origin;
  let url = withQueryParameters(new URL(request.url), credentialQuery);
  let method = request.method;
  let body = request.body;
  let headers: Record<string, string> = { ...request.headers };
  /** Whether the next URL gets the credential's query parameters: until the chain leaves the origin. */
  let queryTravels = credentialQuery.length > 0;
  if (credentialHeaders.size > 0 || queryTravels) options.checkCredentialTarget?.(url);
  for (let hop = 0; ; hop++) {
    await options.checkUrl?.(url);
    let response: ExchangeResponse;
    try {
      response = await exchange(url, { method, headers, body, signal: abort });
    } catch (error) {
      if (timeout.aborted) throw new Error(`${request.method} ${request.url} timed out after ${request.timeoutMs} ms`);
      const { code, message } = error as { code?: string; message: string };
      throw new Error(`${request.method} ${url} failed: ${code === 'ABORT_ERR' ? message : (code ?? message)}`);
    }
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || location === undefined) return answer(response, request, timeout);
    response.discard();
    if (hop >= MAX_REDIRECTS) throw new Error(`${request.method} ${request.url}: more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new NonRetryableError(`${request.method} ${request.url} redirected to a non-HTTP URL (${next.protocol})`);
    }
    // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
    if (
      response.status === 303
        ? method !== 'HEAD'
        : (response.status === 301 || response.status === 302) && method === 'POST'
    ) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-/i.test(name)));
    }
    let nextUrl = next;
    if (next.origin !== origin) {
      // Leaving the origin: the credential stays behind, and so does `Authorization` (fetch's rule).
      headers = Object.fromEntries(
        Object.entries(headers).filter(
          ([name]) => !credentialHeaders.has(name.toLowerCase()) && name.toLowerCase() !== 'authorization',
        ),
      );
      // Even when the answer copied the key into its `Location`.
      nextUrl = withoutQueryParameters(next, credentialQuery);
      queryTravels = false;
    } else {
      if (queryTravels) nextUrl = withQueryParameters(next, credentialQuery);
      if (queryTravels || Object.keys(headers).some((name) => credentialHeaders.has(name.toLowerCase()))) {
        options.checkCredentialTarget?.(nextUrl);
      }
    }
    url = nextUrl;
  }
}

/** The query as a list of `name=value` parts, each as written (not decoded and encoded again). */
const queryParts = (url: URL) => (url.search.length > 1 ? url.search.slice(1).split('&') : []);

/** A query part's name or value as text (`+` is a space in a query). */
const decodeQueryText = (text: string) => {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
};
const partName = (part: string) => decodeQueryText(part.split('=', 1)[0] ?? '');
const partValue = (part: string) => (part.includes('=') ? decodeQueryText(part.slice(part.indexOf('=') + 1)) : '');

/**
 * `url` with each parameter set, replacing any of the same name. The other parameters keep their
 * exact spelling: re-serializing the whole query (URLSearchParams) would re-encode what the node wrote.
 */
export function withQueryParameters(url: URL, parameters: ReadonlyArray<readonly [string, string]>): URL {
  if (parameters.length === 0) return url;
  const names = new Set(parameters.map(([name]) => name));
  const kept = queryParts(url).filter((part) => !names.has(partName(part)));
  const added = parameters.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const next = new URL(url);
  next.search = [...kept, ...added].join('&');
  return next;
}

/** `url` without the parameters that carry exactly these credential values. */
function withoutQueryParameters(url: URL, parameters: ReadonlyArray<readonly [string, string]>): URL {
  if (parameters.length === 0) return url;
  const kept = queryParts(url).filter(
    (part) => !parameters.some(([name, value]) => partName(part) === name && partValue(part) === value),
  );
  const next = new URL(url);
  next.search = kept.join('&');
  return next;
}

async function answer(response: ExchangeResponse, request: HttpRequest, timeout: AbortSignal): Promise<HttpResponse> {
  try {
    return { status: response.status, headers: response.headers, body: await response.text(MAX_RESPONSE_BYTES) };
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      throw new Error(`${request.method} ${request.url}: response is larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    if (timeout.aborted) throw new Error(`${request.method} ${request.url} timed out after ${request.timeoutMs} ms`);
    throw error;
  }
}

/**
 * Addresses that are not the public internet: loopback, private networks (RFC 1918, IPv6 unique
 * local), link-local (cloud metadata services live at 169.254.169.254), carrier-grade NAT,
 * unspecified, multicast, reserved, and IPv4 embedded in IPv6 (mapped, NAT64), which could name any.
 */
// Two lists: a BlockList checks an IPv4 address against IPv6 subnets too (as IPv4-mapped), so one
// list holding ::ffff:0:0/96 would refuse every IPv4 address.
const PRIVATE_V4 = new BlockList();
const PRIVATE_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // :: and ::1
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_V6.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private or otherwise not the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  return family === 4 ? PRIVATE_V4.check(address, 'ipv4') : PRIVATE_V6.check(address, 'ipv6');
}

/**
 * `HTTP_REFUSE_PRIVATE_ADDRESSES`: before each request and each redirect, the host is resolved and
 * the request refused (at once, without retries) when any of its addresses is private or loopback.
 */
export async function refusePrivateAddresses(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch (error) {
    throw new Error(
      `${url.origin} could not be resolved: ${(error as { code?: string }).code ?? (error as Error).message}`,
    );
  }
  const refused = addresses.find(isPrivateAddress);
  if (refused !== undefined) {
    throw new NonRetryableError(
      `${url.origin} is a private or loopback address (${refused}), which HTTP_REFUSE_PRIVATE_ADDRESSES refuses`,
    );
  }
}

/** `send` with `refusePrivateAddresses` checked before every request and redirect (and the caller's own check after it). */
export const refusingPrivateAddresses =
  (send: typeof sendHttp): typeof sendHttp =>
  (request, signal, options = {}) =>
    send(request, signal, {
      ...options,
      checkUrl: async (url) => {
        await refusePrivateAddresses(url);
        await options.checkUrl?.(url);
      },
    });
