import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** One request as `sendHttp` makes it: redirects are its business, not this module's. */
export interface Exchange {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
}

/** The answer's head, and its body to read (capped) or to drop. */
export interface ExchangeResponse {
  readonly status: number;
  /** Names in lower case, sorted, repeated headers joined with ", " (as fetch's `Headers` gives them). */
  readonly headers: Record<string, string>;
  /** The body as text, decoded as the answer says (gzip, deflate, br); rejects past `maxBytes`. */
  text(maxBytes: number): Promise<string>;
  /** Drops the body unread (a redirect's), freeing the connection. */
  discard(): void;
}

/** Thrown by `text` when the body is larger than allowed. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

/**
 * The headers fetch would add to a request that does not set them: a worker's requests look to
 * servers as they did when they were made with fetch.
 */
const DEFAULT_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['accept', '*/*'],
  ['accept-language', '*'],
  ['sec-fetch-mode', 'cors'],
  ['user-agent', 'node'],
  ['accept-encoding', 'gzip, deflate, br'],
];

/**
 * One HTTP exchange on Node's own client (keep-alive connections from its global agents). Made for
 * the engine's hot path: fetch builds WHATWG requests, headers and streams around the same work,
 * which measured about a fifth of a worker's CPU per five-step run with one HTTP call. The
 * request is what fetch would send (its default headers, `Content-Length`, text as UTF-8), the
 * answer is read as fetch reads it (decoded, headers combined); errors carry the socket's code.
 */
export function exchange(url: URL, init: Exchange): Promise<ExchangeResponse> {
  if (url.username !== '' || url.password !== '') {
    // As fetch: a password in the URL would otherwise travel as Basic auth, unasked.
    return Promise.reject(new TypeError('a URL with a user name or password cannot be requested'));
  }
  const headers: Record<string, string> = {};
  const given = new Set<string>();
  for (const [name, value] of Object.entries(init.headers)) {
    headers[name] = value;
    given.add(name.toLowerCase());
  }
  for (const [name, value] of DEFAULT_HEADERS) if (!given.has(name)) headers[name] = value;
  if (init.body !== undefined) {
    if (!given.has('content-type')) headers['content-type'] = 'text/plain;charset=UTF-8';
    if (!given.has('content-length')) headers['content-length'] = String(Buffer.byteLength(init.body));
  } else if (init.method === 'POST' || init.method === 'PUT') {
    headers['content-length'] = '0';
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method: init.method, headers, signal: init.signal }, (response) =>
      resolve(answer(response, init.method)),
    );
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

/** Answers that never have a body, whatever their `Content-Encoding` says: nothing to decode. */
const NO_BODY_STATUSES = new Set([204, 304]);

function answer(response: IncomingMessage, method: string): ExchangeResponse {
  const bodiless = method === 'HEAD' || NO_BODY_STATUSES.has(response.statusCode ?? 0);
  return {
    status: response.statusCode ?? 0,
    headers: combinedHeaders(response.rawHeaders),
    text: (maxBytes) => readText(bodiless ? response : decoded(response), maxBytes, response),
    discard: () => response.destroy(),
  };
}

/** Lower-case names in order, repeats joined with ", " (`set-cookie` keeps its last, as `Headers.forEach` yields it). */
function combinedHeaders(raw: readonly string[]): Record<string, string> {
  const joined = new Map<string, string>();
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = (raw[index] as string).toLowerCase();
    const value = raw[index + 1] as string;
    const seen = joined.get(name);
    joined.set(name, seen === undefined || name === 'set-cookie' ? value : `${seen}, ${value}`);
  }
  const headers: Record<string, string> = {};
  for (const name of [...joined.keys()].sort()) headers[name] = joined.get(name) as string;
  return headers;
}

/**
 * Lenient as browsers and fetch are: an empty or cut-short encoded body gives what it holds rather
 * than an error ("unexpected end of file").
 */
const ZLIB_LENIENT = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI_LENIENT = {
  flush: constants.BROTLI_OPERATION_FLUSH,
  finishFlush: constants.BROTLI_OPERATION_FLUSH,
};

/** The body as the server meant it: fetch undoes the encodings it asked for, and so does this. */
function decoded(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip(ZLIB_LENIENT)
      : encoding === 'deflate'
        ? createInflate(ZLIB_LENIENT)
        : encoding === 'br'
          ? createBrotliDecompress(BROTLI_LENIENT)
          : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

async function readText(body: Readable, maxBytes: number, response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).byteLength;
      if (size > maxBytes) throw new BodyTooLarge(`response is larger than ${maxBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
  } finally {
    if (!response.complete) response.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
