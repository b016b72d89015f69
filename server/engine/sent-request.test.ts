import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, testEngine, testHttpServer } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';
import { sentRequest } from './sent-request.ts';

/*
 * An HTTP step keeps the request it sent beside its answer (`step_runs.request`), for people
 * reading the run: with every credential secret masked as answers are, and without changing the
 * output later steps receive.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let api: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  // Echoes what it got; `/fail` answers 422 (final at once), so a failing step shows its request too.
  api = await testHttpServer((request, response) => {
    response.writeHead(request.url.startsWith('/fail') ? 422 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ url: request.url, headers: request.headers }));
  });
});
afterAll(async () => {
  await engine?.close();
  await api?.close();
});

/**
 *   Start ──▶ Call (http) ──▶ Keep (set: the answer as its input)
 */
const graph = (call: Record<string, unknown>): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', call),
    node('keep', 'transform.set', 'Keep', { fields: [{ path: 'seen', value: '{{ input }}' }] }),
  ],
  edges: [edge('start', 'call'), edge('call', 'keep')],
});

async function run(call: Record<string, unknown>) {
  const started = await engine.run(graph(call));
  const { execution, steps } = await engine.finished(started.id);
  return { execution, steps: byNode(steps), all: steps };
}

/** The secret appears nowhere in the stored steps, nor in the SQLite file itself. */
function expectNowhere(all: unknown, secret: string) {
  expect(JSON.stringify(all)).not.toContain(secret);
  storeFile(engine.store).pragma('wal_checkpoint(TRUNCATE)');
  expect(readFileSync(engine.store.file).toString('latin1')).not.toContain(secret);
}

describe('the request an HTTP step sent', () => {
  it('is stored with the step (method, URL, headers, body) and leaves the output as it was', async () => {
    const { execution, steps } = await run({
      method: 'POST',
      url: `${api.url}/orders?source=test`,
      headers: { 'X-Trace': 'abc', Authorization: 'Bearer typed-by-hand-123' },
      query: { page: '2' },
      body: { item: 'tea', qty: 3 },
    });
    expect(execution.status).toBe('succeeded');
    const call = steps.call;
    expect(call?.request).toEqual({
      method: 'POST',
      url: `${api.url}/orders?source=test&page=2`,
      headers: {
        'x-trace': 'abc',
        // Whatever wrote it, an Authorization header is shown masked, its scheme kept.
        authorization: 'Bearer ••••••',
        'idempotency-key': `${execution.id}:call`,
        'content-type': 'application/json',
      },
      body: '{"item":"tea","qty":3}',
    });
    // The output is the answer alone, and the next step gets exactly that.
    expect(Object.keys(call?.output as object).sort()).toEqual(['body', 'headers', 'status']);
    expect(steps.keep?.input).toEqual(call?.output);
    // Steps that send nothing keep nothing.
    expect(steps.start?.request).toBeNull();
    expect(steps.keep?.request).toBeNull();
  });

  it('is kept by a step that fails on its answer', async () => {
    const { execution, steps } = await run({ url: `${api.url}/fail`, failOnNon2xx: true });
    expect(execution.status).toBe('failed');
    expect(steps.call?.status).toBe('failed');
    expect(steps.call?.request).toMatchObject({ method: 'GET', url: `${api.url}/fail` });
  });

  it('caps a body over 256 KB like other stored data', async () => {
    const { steps } = await run({ method: 'POST', url: `${api.url}/big`, body: 'x'.repeat(300 * 1024) });
    expect(steps.call?.request).toMatchObject({ body: { $truncated: true } });
  });

  it.each([
    ['bearer', { token: 'tok-5e4d3c2b1a09' }, 'tok-5e4d3c2b1a09', { authorization: 'Bearer ••••••' }],
    ['basic', { username: 'ada', password: 'pa55-w0rd-secret' }, 'pa55-w0rd-secret', { authorization: 'Basic ••••••' }],
    ['header', { header: 'X-Api-Key', value: 'key-99887766' }, 'key-99887766', { 'x-api-key': '••••••' }],
  ] as const)(
    'masks a %s credential in its headers and wherever its secret appears',
    async (type, secret, value, headers) => {
      const credential = await engine.repos.credentials.insert(engine.masterKey, {
        name: `${type} credential`,
        type,
        secret,
        allowedTargets: [api.url],
      });
      // The secret typed into the body and a header as well: masked there too, as in answers.
      const { execution, steps, all } = await run({
        method: 'POST',
        url: `${api.url}/private`,
        headers: { 'X-Note': `copy of ${value}` },
        body: { echo: value },
        credentialId: credential.id,
      });
      expect(execution.status).toBe('succeeded');
      const request = steps.call?.request as { headers: Record<string, string>; body: string };
      expect(request.headers).toMatchObject({ ...headers, 'x-note': 'copy of ••••••' });
      expect(request.body).toBe('{"echo":"••••••"}');
      expect(JSON.stringify(request)).not.toContain(value);
      // Nor anywhere in the step records (the echoed answer included). The SQLite file is not checked
      // here: the secret typed into the body is in the workflow's graph, by the test's own hand.
      expect(JSON.stringify(all)).not.toContain(value);
      if (type === 'basic') expect(JSON.stringify(all)).not.toContain(Buffer.from(`ada:${value}`).toString('base64'));
    },
  );

  it('masks an API key in the query string and shows where it went', async () => {
    const key = 'qk-1a2b/3c 4d&e';
    const credential = await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Query key',
      type: 'query',
      secret: { name: 'api_key', key },
      allowedTargets: [api.url],
    });
    const { execution, steps, all } = await run({ url: `${api.url}/weather?city=Oslo`, credentialId: credential.id });
    expect(execution.status).toBe('succeeded');
    // The server got the key; the record shows the parameter with its value masked.
    expect(api.requests.at(-1)?.url).toBe(`/weather?city=Oslo&api_key=${encodeURIComponent(key)}`);
    expect(steps.call?.request).toMatchObject({ url: `${api.url}/weather?city=Oslo&api_key=••••••` });
    expectNowhere(all, encodeURIComponent(key));
    expectNowhere(all, key);
  });
});

describe('sentRequest', () => {
  it('keeps only well-known authorization schemes in front of the mask', () => {
    const sent = sentRequest({
      method: 'GET',
      url: 'https://example.com/',
      headers: { authorization: 'sk_live part2', cookie: 'session=1' },
      timeoutMs: 1000,
    });
    expect(sent.headers).toEqual({ authorization: '••••••', cookie: '••••••' });
    expect(sent).not.toHaveProperty('body');
  });
});
