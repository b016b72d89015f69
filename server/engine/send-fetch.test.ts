import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHttpServer } from '../testing/engine.ts';
import { sendHttp } from './http.ts';
import { fetchThrough } from './send-fetch.ts';

/*
 * Token requests leave through a worker's outbound HTTP as a fetch: a real server on 127.0.0.1
 * answers them. A token URL that redirects is not followed: the client secret stays where it was sent.
 */

let server: Awaited<ReturnType<typeof testHttpServer>>;
let elsewhere: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  elsewhere = await testHttpServer();
  server = await testHttpServer((request, response) => {
    if (request.url === '/moved') response.writeHead(307, { location: `${elsewhere.url}/token` }).end();
    else if (request.url === '/empty') response.writeHead(204).end();
    else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: request.body }));
  });
});
afterAll(async () => {
  await server?.close();
  await elsewhere?.close();
});

describe('a worker’s outbound HTTP as a fetch', () => {
  it('sends the method, headers and form body, and answers a Response', async () => {
    const fetch = fetchThrough(sendHttp, 5_000);
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_secret: 's3cret' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ got: 'grant_type=client_credentials&client_secret=s3cret' });
    expect(server.requests.at(-1)?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect((await fetch(`${server.url}/empty`)).status).toBe(204);
  });

  it('follows no redirect: the request fails and the other server gets nothing', async () => {
    const fetch = fetchThrough(sendHttp, 5_000);
    await expect(fetch(`${server.url}/moved`, { method: 'POST', body: 'client_secret=s3cret' })).rejects.toThrow(
      `${server.url} answered with a redirect, which a token request does not follow`,
    );
    expect(elsewhere.requests).toHaveLength(0);
  });
});
