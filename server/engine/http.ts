import type { HttpRequest, HttpResponse } from '../../nodes/define.ts';

/** Largest response body a step keeps; a bigger one fails the step instead of flooding the store. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Outbound HTTP for nodes: a timeout on the whole exchange and a cap on the body. */
export async function sendHttp(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: abort,
      redirect: 'follow',
    });
  } catch (error) {
    if (timeout.aborted) throw new Error(`${request.method} ${request.url} timed out after ${request.timeoutMs} ms`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `${request.method} ${request.url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }
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
