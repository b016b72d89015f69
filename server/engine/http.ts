import type { HttpRequest, HttpResponse } from '../../nodes/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';

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
   * Called with every URL that would receive the credential headers: the first one and each
   * same-origin redirect. Throws (a NonRetryableError) to refuse the request before it is sent.
   */
  readonly checkCredentialTarget?: (url: URL) => void;
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
 * here rather than by fetch, so that a credential header never follows a redirect to another origin
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
  const origin = new URL(request.url).origin;
  let url = new URL(request.url);
  let method = request.method;
  let body = request.body;
  let headers: Record<string, string> = { ...request.headers };
  if (credentialHeaders.size > 0) options.checkCredentialTarget?.(url);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: abort, redirect: 'manual' });
    } catch (error) {
      if (timeout.aborted) throw new Error(`${request.method} ${request.url} timed out after ${request.timeoutMs} ms`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`${request.method} ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null) return answer(response, request, timeout);
    await response.body?.cancel();
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
    if (next.origin !== origin) {
      // Leaving the origin: the credential stays behind, and so does `Authorization` (fetch's rule).
      headers = Object.fromEntries(
        Object.entries(headers).filter(
          ([name]) => !credentialHeaders.has(name.toLowerCase()) && name.toLowerCase() !== 'authorization',
        ),
      );
    } else if (
      credentialHeaders.size > 0 &&
      Object.keys(headers).some((name) => credentialHeaders.has(name.toLowerCase()))
    ) {
      options.checkCredentialTarget?.(next);
    }
    url = next;
  }
}

async function answer(response: Response, request: HttpRequest, timeout: AbortSignal): Promise<HttpResponse> {
  const body = await readCapped(response, request, timeout);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: response.status, headers, body };
}

async function readCapped(response: Response, request: HttpRequest, timeout: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        await reader.cancel();
        throw new Error(`${request.method} ${request.url}: response is larger than ${MAX_RESPONSE_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (timeout.aborted) throw new Error(`${request.method} ${request.url} timed out after ${request.timeoutMs} ms`);
    throw error;
  }
  return Buffer.concat(chunks).toString('utf8');
}
