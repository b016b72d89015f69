import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHttpServer } from '../testing/engine.ts';
import { sendHttp } from './http.ts';

/*
 * A node hands its timeout to the request (nodes/actions/http.node.ts); the worker's sender is what
 * enforces it, over the whole exchange. `/silent` never answers; `/stalls` sends its headers and
 * part of the body, then nothing more. Both are held until the test ends.
 */
const held: ServerResponse[] = [];
let server: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  server = await testHttpServer((request, response) => {
    held.push(response);
    if (request.url === '/stalls') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('the beginning');
    }
  });
});
afterAll(async () => {
  for (const response of held) response.destroy();
  await server?.close();
});

const get = (path: string, timeoutMs: number) =>
  sendHttp({ method: 'GET', url: `${server.url}${path}`, headers: {}, timeoutMs });

describe('the request timeout', () => {
  it('fails a request whose answer never comes, naming the timeout', async () => {
    await expect(get('/silent', 150)).rejects.toThrow(`GET ${server.url}/silent timed out after 150 ms`);
  });

  it('also covers reading the body, not only waiting for the headers', async () => {
    await expect(get('/stalls', 150)).rejects.toThrow(`GET ${server.url}/stalls timed out after 150 ms`);
  });
});
