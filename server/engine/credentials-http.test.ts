import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { edge, node, testEngine, testHttpServer } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let echo: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  // A careless API that echoes the request's headers back: the secret must still not be stored.
  echo = await testHttpServer((request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'x-seen-auth': String(request.headers.authorization),
    });
    response.end(JSON.stringify({ headers: request.headers }));
  });
});
afterAll(async () => {
  await engine?.close();
  await echo?.close();
});

const TOKEN = 'tok-9f8e7d6c5b4a3928';

/** Every local test server's origin: these tests are about headers and masking, not allowed targets. */
const everywhere = () => [echo.url, ...extraTargets];
const extraTargets: string[] = [];

/**
 *   Start ──▶ Call (http with a credential) ──▶ Keep (set: the whole answer)
 */
const graph = (credentialId: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { url: `${echo.url}/me`, credentialId }),
    node('keep', 'transform.set', 'Keep', { fields: [{ path: 'answer', value: '{{ input }}' }] }),
  ],
  edges: [edge('start', 'call'), edge('call', 'keep')],
});

describe('HTTP requests with a credential', () => {
  it('authenticate in the worker and keep the secret out of every stored step', async () => {
    const bearer = await engine.repos.credentials.insert(engine.masterKey, {
      allowedTargets: everywhere(),
      name: 'API',
      type: 'bearer',
      secret: { token: TOKEN },
    });
    const started = await engine.run(graph(bearer.id));
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(echo.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const call = steps.find((step) => step.nodeId === 'call');
    expect(call?.output).toMatchObject({ body: { headers: { authorization: 'Bearer ••••••' } } });
    expect(JSON.stringify(steps)).not.toContain(TOKEN);
    storeFile(engine.store).pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(engine.store.file).toString('latin1')).not.toContain(TOKEN);
  });

  it('adds basic and header credentials too', async () => {
    const basic = await engine.repos.credentials.insert(engine.masterKey, {
      allowedTargets: everywhere(),
      name: 'Basic',
      type: 'basic',
      secret: { username: 'ada', password: 'pa55-word-secret' },
    });
    const header = await engine.repos.credentials.insert(engine.masterKey, {
      allowedTargets: everywhere(),
      name: 'Key',
      type: 'header',
      secret: { header: 'X-Api-Key', value: 'key-0011223344' },
    });
    for (const [credential, name, expected] of [
      [basic, 'authorization', `Basic ${Buffer.from('ada:pa55-word-secret').toString('base64')}`],
      [header, 'x-api-key', 'key-0011223344'],
    ] as const) {
      const { execution } = await engine.finished((await engine.run(graph(credential.id))).id);
      expect(execution.status).toBe('succeeded');
      expect(echo.requests.at(-1)?.headers[name]).toBe(expected);
    }
  });

  it('drop a credential header on a redirect to another origin, and keep it on a same-origin one', async () => {
    // The attack: an allowed API answers with a redirect to a server someone else owns.
    const elsewhere = await testHttpServer();
    const redirecting = await testHttpServer((request, response) => {
      if (request.url === '/away') response.writeHead(302, { location: `${elsewhere.url}/catch` }).end();
      else if (request.url === '/here') response.writeHead(307, { location: '/me' }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    // Both allowed: a redirect to another origin drops the credential even where it may go.
    extraTargets.push(redirecting.url, elsewhere.url);
    try {
      const header = await engine.repos.credentials.insert(engine.masterKey, {
        allowedTargets: everywhere(),
        name: 'Redirected key',
        type: 'header',
        secret: { header: 'X-Api-Key', value: 'key-redirect-5566778899' },
      });
      const bearer = await engine.repos.credentials.insert(engine.masterKey, {
        allowedTargets: everywhere(),
        name: 'Redirected token',
        type: 'bearer',
        secret: { token: 'tok-redirect-5566778899' },
      });
      for (const credential of [header, bearer]) {
        const run = graph(credential.id);
        (run.nodes[1] as { config: Record<string, unknown> }).config.url = `${redirecting.url}/away`;
        const { execution } = await engine.finished((await engine.run(run)).id);
        expect(execution.status).toBe('succeeded');
      }
      expect(redirecting.requests.map((request) => request.url)).toEqual(['/away', '/away']);
      expect(redirecting.requests[0]?.headers['x-api-key']).toBe('key-redirect-5566778899');
      expect(elsewhere.requests).toHaveLength(2);
      for (const request of elsewhere.requests) {
        expect(request.headers['x-api-key']).toBeUndefined();
        expect(request.headers.authorization).toBeUndefined();
        expect(JSON.stringify(request)).not.toContain('5566778899');
      }

      const same = graph(header.id);
      (same.nodes[1] as { config: Record<string, unknown> }).config.url = `${redirecting.url}/here`;
      expect((await engine.finished((await engine.run(same)).id)).execution.status).toBe('succeeded');
      expect(redirecting.requests.slice(-2).map((request) => [request.url, request.headers['x-api-key']])).toEqual([
        ['/here', 'key-redirect-5566778899'],
        ['/me', 'key-redirect-5566778899'],
      ]);
    } finally {
      await elsewhere.close();
      await redirecting.close();
    }
  });

  it('fail at once, without retries, when a header value holds a line break', async () => {
    const before = echo.requests.length;
    const run = graph('unused');
    run.nodes[1] = node('call', 'action.http', 'Call', {
      url: `${echo.url}/me`,
      headers: { 'x-note': 'first line\r\nx-injected: yes' },
    });
    const { execution, steps } = await engine.finished((await engine.run(run)).id);
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1);
    expect(JSON.stringify(execution.error)).toContain('header \\"x-note\\" contains a line break');
    expect(echo.requests.length).toBe(before);
  });

  it('keep the secret out of stored steps in whatever common encoding the answer echoes it', async () => {
    const secret = 'Key/With+Specials=Tok3n&x y';
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const echoes = (value: string) => ({
      plain: value,
      lower: value.toLowerCase(),
      upper: value.toUpperCase(),
      reversed: [...value].reverse().join(''),
      url: encodeURIComponent(value),
      urlLower: encodeURIComponent(value).toLowerCase(),
      form: new URLSearchParams({ v: value }).toString().slice(2),
      hex: Buffer.from(value).toString('hex'),
      hexUpper: Buffer.from(value).toString('hex').toUpperCase(),
      base64: b64(value),
      base64url: Buffer.from(value).toString('base64url'),
      // Inside a longer base64 text, at each of the three alignments.
      inside1: b64(`a:${value}`),
      inside2: b64(`ab:${value}`),
      inside3: b64(`abc:${value}`),
    });
    const encoder = await testHttpServer((request, response) => {
      const value = String(request.headers['x-secret']);
      response.writeHead(200, { 'content-type': 'application/json', 'x-echo': b64(value) });
      response.end(JSON.stringify(echoes(value)));
    });
    extraTargets.push(encoder.url);
    try {
      const credential = await engine.repos.credentials.insert(engine.masterKey, {
        allowedTargets: everywhere(),
        name: 'Encoded',
        type: 'header',
        secret: { header: 'X-Secret', value: secret },
      });
      const run = graph(credential.id);
      (run.nodes[1] as { config: Record<string, unknown> }).config.url = `${encoder.url}/echo`;
      const { execution, steps } = await engine.finished((await engine.run(run)).id);
      expect(execution.status).toBe('succeeded');
      expect(encoder.requests[0]?.headers['x-secret']).toBe(secret);
      const stored = JSON.stringify(steps);
      storeFile(engine.store).pragma('wal_checkpoint(TRUNCATE)');
      const file = readFileSync(engine.store.file).toString('latin1');
      for (const [name, form] of Object.entries(echoes(secret))) {
        // The part of each echo that carries the secret (a longer base64 text also encodes "abc:").
        const core = name.startsWith('inside') ? form.slice(8, -4) : form;
        expect(stored, name).not.toContain(core);
        expect(file, name).not.toContain(core);
      }
      expect(JSON.parse(stored).find((step: { nodeId: string }) => step.nodeId === 'call').output.body).toMatchObject({
        plain: '••••••',
        hex: '••••••',
        base64: '••••••',
      });
    } finally {
      await encoder.close();
    }
  });

  it('fails the step at once, naming the credential, when it does not exist', async () => {
    const { execution, steps } = await engine.finished((await engine.run(graph('no-such-credential'))).id);
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1); // not retried
    expect(JSON.stringify(execution.error)).toContain('no-such-credential');
  });
});
