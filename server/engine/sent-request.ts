import type { HttpRequest } from '../../nodes/define.ts';
import { forDisplay } from './data-caps.ts';
import { withQueryParameters } from './http.ts';

/** What an HTTP step shows of the request it sent (stored as `step_runs.request`). */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as sent (text), or the size-cap marker of one over 256 KB; absent when none was sent. */
  readonly body?: unknown;
}

/** What a credential added to the request, and how to hide its secret (authenticated-http.ts). */
export interface SentCredential {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly hide: (text: string) => string;
}

export const MASK = '••••••';

/**
 * Headers whose whole value is a secret wherever it came from: a node may write one by hand, and
 * the step's record is shown to every role that can view runs.
 */
const ALWAYS_MASKED = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** A placeholder that survives URL encoding unchanged, swapped for the mask after. */
const QUERY_PLACEHOLDER = 'stepwise-masked-query-value';

/**
 * The request as it left the worker (the credential's headers and query parameter added) with
 * every secret masked: credential headers, `Authorization`, `Cookie` and the credential's query
 * value wholly (an authorization scheme such as `Bearer` is kept, it says how the call was
 * made), and any form of the secret elsewhere (`hide`, the same masking as answers get). The body
 * is capped like other stored data. Redirects are not recorded: this is the request the node asked for.
 */
export function sentRequest(request: HttpRequest, credential?: SentCredential): SentRequest {
  const hide = credential?.hide ?? ((text: string) => text);
  const credentialHeaders = new Set(Object.keys(credential?.headers ?? {}).map((name) => name.toLowerCase()));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...request.headers, ...credential?.headers })) {
    const lower = name.toLowerCase();
    headers[lower] = ALWAYS_MASKED.has(lower) || credentialHeaders.has(lower) ? maskWhole(value) : hide(value);
  }
  const query = Object.keys(credential?.query ?? {}).map((name) => [name, QUERY_PLACEHOLDER] as const);
  const url = hide(withQueryParameters(new URL(request.url), query).toString()).replaceAll(QUERY_PLACEHOLDER, MASK);
  return {
    method: request.method,
    url,
    headers,
    ...(request.body === undefined ? {} : { body: forDisplay(hide(request.body)).value }),
  };
}

/**
 * Well-known authorization schemes, kept in front of the mask. Only these: the first word of any
 * other value may be part of the secret itself.
 */
const SCHEMES = /^(Basic|Bearer|Digest|Token|Bot|Negotiate|AWS4-HMAC-SHA256) +\S/i;

/** `Bearer ••••••` for a well-known authorization scheme and its token; the mask alone for anything else. */
function maskWhole(value: string): string {
  const scheme = SCHEMES.exec(value)?.[1];
  return scheme ? `${scheme} ${MASK}` : MASK;
}
