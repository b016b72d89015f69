import { z } from 'zod';

/**
 * How an HTTP-style credential authenticates a request, as data: the worker adds it to the request
 * it sends (server/engine/authenticated-http.ts), keeps it to the credential's allowed targets and
 * masks it out of what is stored.
 */
export interface HttpAuthentication {
  /** Headers the request gets, names in lower case; they replace any the node set. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query parameters the URL gets; they replace any of the same name. */
  readonly query?: Readonly<Record<string, string>>;
  /**
   * Strings derived from the secret fields that carry them in another form (basic auth's base64 of
   * `user:password`): masked like the secret fields themselves.
   */
  readonly masked?: readonly string[];
}

/** `Authorization: Bearer <token>`. */
export const bearerToken = (token: string): HttpAuthentication => ({ headers: { authorization: `Bearer ${token}` } });

/** `Authorization: Basic <base64 of user:password>`. */
export function basicAuth(username: string, password: string): HttpAuthentication {
  const encoded = base64(`${username}:${password}`);
  return { headers: { authorization: `Basic ${encoded}` }, masked: [encoded] };
}

/** Any header, e.g. `X-Api-Key: <key>`. */
export const header = (name: string, value: string): HttpAuthentication => ({
  headers: { [name.toLowerCase()]: value },
});

/** `?<name>=<value>` on the URL, for APIs that take their key in the query string. */
export const queryParameter = (name: string, value: string): HttpAuthentication => ({ query: { [name]: value } });

/** UTF-8 base64 with the platform's own functions: nodes/ runs in browsers too, which have no Buffer. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Text that goes into a header: a CR or LF would split the request, so it could never be sent. */
export const headerText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !/[\r\n\0]/.test(value), 'must not contain a line break (CR or LF) or NUL');

/** An HTTP header name (an RFC 9110 token). */
export const headerName = () =>
  z
    .string()
    .min(1)
    .max(256)
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
