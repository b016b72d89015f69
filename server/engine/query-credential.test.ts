import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import type { OpenCredential } from '../store/credentials.ts';
import { edge, node, testEngine, testHttpServer } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';
import { sendWithCredential } from './authenticated-http.ts';
import { sendHttp } from './http.ts';

/*
 * The "API key in query string" type (nodes/credentials/query.credential.ts) is one file and one
 * catalogue line: these runs show the worker adds `?<name>=<key>` from its declaration alone, and
 * that the allowed targets, use limits and masking every credential has apply to it too.
 */

// Characters that are encoded in a URL (space, slash, ampersand), so every stored form is checked.
const KEY = 'qk-7f3a/91 b&c';
let engine: Awaited<ReturnType<typeof testEngine>>;
let api: Awaited<ReturnType<typeof testHttpServer>>;
let elsewhere: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  elsewhere = await testHttpServer();
  // A careless API that echoes the URL it was called with, and redirects as asked.
  api = await testHttpServer((request, response) => {
    if (request.url.startsWith('/v1/here')) response.writeHead(307, { location: '/v1/there?from=here' }).end();
    else if (request.url.startsWith('/v1/away')) {
      const copied = new URLSearchParams({ api_key: KEY, keep: 'me' });
      response.writeHead(302, { location: `${elsewhere.url}/catch?${copied}` }).end();
    } else {
      response.writeHead(200, { 'content-type': 'application/json', 'x-seen-url': request.url });
      response.end(JSON.stringify({ url: request.url, decoded: decodeURIComponent(request.url) }));
    }
  });
});
afterAll(async () => {
  await engine?.close();
  await api?.close();
  await elsewhere?.close();
});

/**
 *   Start ──▶ Call (http: url, query page=2, the credential)
 */
const calling = (url: string, credentialId: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { url, query: { page: '2' }, credentialId }),
  ],
  edges: [edge('start', 'call')],
});

const queryCredential = (values: { allowedTargets?: string[]; useRoles?: Array<'analyst' | 'operator' | 'admin'> }) =>
  engine.repos.credentials.insert(engine.masterKey, {
    name: 'Weather API',
    type: 'query',
    secret: { name: 'api_key', key: KEY },
    allowedTargets: values.allowedTargets ?? [`${api.url}/v1`],
    useRoles: values.useRoles ?? [],
  });

const encodedKey = encodeURIComponent(KEY);

describe('an API key in the query string', () => {
  it('is added to the URL by the worker, beside the node’s own parameters, and masked out of what is stored', async () => {
    const credential = await queryCredential({});
    const { execution, steps } = await engine.finished(
      (await engine.run(calling(`${api.url}/v1/forecast`, credential.id))).id,
    );
    expect(execution.status).toBe('succeeded');
    expect(api.requests.at(-1)?.url).toBe(`/v1/forecast?page=2&api_key=${encodedKey}`);
    const call = steps.find((step) => step.nodeId === 'call');
    expect(call?.output).toMatchObject({
      headers: { 'x-seen-url': '/v1/forecast?page=2&api_key=••••••' },
      body: { url: '/v1/forecast?page=2&api_key=••••••', decoded: '/v1/forecast?page=2&api_key=••••••' },
    });
    const stored = JSON.stringify(steps);
    for (const form of [KEY, encodedKey]) expect(stored).not.toContain(form);
    storeFile(engine.store).pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(engine.store.file).toString('latin1');
    for (const form of [KEY, encodedKey]) expect(file).not.toContain(form);
  });

  it('goes again with a same-origin redirect, and never with one to another origin, even one that copies it', async () => {
    const credential = await queryCredential({ allowedTargets: [`${api.url}/v1`, elsewhere.url] });
    const here = await engine.finished((await engine.run(calling(`${api.url}/v1/here`, credential.id))).id);
    expect(here.execution.status).toBe('succeeded');
    expect(api.requests.slice(-2).map((request) => request.url)).toEqual([
      `/v1/here?page=2&api_key=${encodedKey}`,
      `/v1/there?from=here&api_key=${encodedKey}`,
    ]);

    const away = await engine.finished((await engine.run(calling(`${api.url}/v1/away`, credential.id))).id);
    expect(away.execution.status).toBe('succeeded');
    expect(elsewhere.requests.map((request) => request.url)).toEqual(['/catch?keep=me']);
  });

  it('is sent only to its allowed targets: elsewhere the step fails at once and nothing is sent', async () => {
    const credential = await queryCredential({ allowedTargets: [`${api.url}/v2`] });
    const before = api.requests.length;
    const { execution, steps } = await engine.finished(
      (await engine.run(calling(`${api.url}/v1/forecast`, credential.id))).id,
    );
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1); // not retried
    expect(JSON.stringify(execution.error)).toContain(
      `credential \\"Weather API\\" may not be sent to ${api.url}/v1/forecast: it may go only to ${api.url}/v2`,
    );
    expect(api.requests.length).toBe(before);
  });

  it('obeys its use limits: a run nobody started or authored may not use a limited one', async () => {
    const credential = await queryCredential({ useRoles: ['operator'] });
    const before = api.requests.length;
    const { execution } = await engine.finished(
      (await engine.run(calling(`${api.url}/v1/forecast`, credential.id))).id,
    );
    expect(execution.status).toBe('failed');
    expect(JSON.stringify(execution.error)).toContain('may not be used by this run (no user started or authored it)');
    expect(api.requests.length).toBe(before);
  });

  it('is masked out of the error of a request that could not be sent, which names the URL', async () => {
    const closed = await testHttpServer();
    const url = closed.url;
    await closed.close();
    const credential: OpenCredential = {
      name: 'Weather API',
      type: 'query',
      secret: { name: 'api_key', key: KEY },
      allowedTargets: [url],
      useRoles: [],
      useUserIds: [],
    };
    const failed = sendWithCredential(sendHttp, credential, {
      method: 'GET',
      url: `${url}/v1`,
      headers: {},
      timeoutMs: 5000,
    });
    const error = await failed.then(
      () => new Error('the request was sent'),
      (thrown: Error) => thrown,
    );
    expect(error.message).toBe(`GET ${url}/v1?api_key=•••••• failed: ECONNREFUSED`);
    expect(error.stack).not.toContain(encodedKey);
  });
});
