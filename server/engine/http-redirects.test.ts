import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHttpServer } from '../testing/engine.ts';
import { MAX_REDIRECTS, sendHttp } from './http.ts';

/* The worker follows redirects itself (to keep credential headers on their origin): as fetch would. */
let server: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  server = await testHttpServer((request, response) => {
    const [path, query] = request.url.split('?');
    if (path === '/see-other') response.writeHead(303, { location: '/landing' }).end();
    else if (path === '/temporary') response.writeHead(307, { location: '/landing' }).end();
    else if (path === '/loop') response.writeHead(302, { location: `/loop?${Number(query ?? 0) + 1}` }).end();
    else if (path === '/ftp') response.writeHead(302, { location: 'ftp://files.test/x' }).end();
    else response.writeHead(200, { 'content-type': 'text/plain' }).end(`${request.method} ${request.body}`);
  });
});
afterAll(() => server?.close());

const post = (path: string) =>
  sendHttp({
    method: 'POST',
    url: `${server.url}${path}`,
    headers: { 'content-type': 'text/plain' },
    body: 'payload',
    timeoutMs: 5000,
  });

describe('redirects', () => {
  it('continue a 303 as a GET without the body, and a 307 as the same POST', async () => {
    expect((await post('/see-other')).body).toBe('GET ');
    expect((await post('/temporary')).body).toBe('POST payload');
  });

  it(`stop after ${MAX_REDIRECTS}, and never leave HTTP`, async () => {
    await expect(post('/loop')).rejects.toThrow(`more than ${MAX_REDIRECTS} redirects`);
    await expect(post('/ftp')).rejects.toThrow('redirected to a non-HTTP URL (ftp:)');
  });
});
