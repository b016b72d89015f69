import type { sendHttp } from './http.ts';

/** Statuses whose answers have no body: `new Response` refuses one for them. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A worker's outbound HTTP (`sendHttp`, with HTTP_REFUSE_PRIVATE_ADDRESSES when set) as a `fetch`,
 * for libraries that make their own requests (oauth4webapi's token requests): they leave by the
 * same path as a step's. Redirects are not followed: a token URL that answers with one fails,
 * rather than the client's secret travelling on to wherever it points.
 */
export function fetchThrough(send: typeof sendHttp, timeoutMs: number): typeof globalThis.fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = init?.body;
    const response = await send(
      {
        method: init?.method ?? 'GET',
        url,
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        ...(body !== undefined && body !== null ? { body: String(body) } : {}),
        timeoutMs,
      },
      init?.signal ?? undefined,
      {
        checkUrl: async (next) => {
          if (next.href !== new URL(url).href)
            throw new Error(`${new URL(url).origin} answered with a redirect, which a token request does not follow`);
        },
      },
    );
    return new Response(NULL_BODY.has(response.status) ? null : response.body, {
      status: response.status,
      headers: response.headers,
    });
  };
}
