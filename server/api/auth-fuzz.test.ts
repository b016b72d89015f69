/**
 * Property-based hardening: malformed input thrown at the public doors (sign-in, setup, webhooks):
 * bad JSON, huge and odd strings, wrong types, odd content types, forged cookies, bearer keys,
 * origins and signature headers. Whatever arrives, the answer is never a 5xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { EventHub } from '../engine/event-hub.ts';
import { createRunService } from '../runs/service.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { testEngine } from '../testing/engine.ts';
import { SIGNATURE_HEADER } from './signature.ts';

// No worker: runs a webhook starts stay queued, which is all these tests need.
let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
let signedHook = '';
let openHook = '';

const hooked = (config: Record<string, unknown>): Graph => ({
  nodes: [
    { id: 'hook', type: 'trigger.webhook', name: 'Hook', position: { x: 0, y: 0 }, config: { path: 'in', ...config } },
  ],
  edges: [],
});

async function liveWebhook(config: Record<string, unknown>): Promise<string> {
  const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Fuzzed', graph: hooked(config) })).body;
  await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
  await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
  await api.call('POST', `/api/v1/workflows/${id}/activate`);
  return `/hooks/${id}/in`;
}

beforeAll(async () => {
  engine = await testEngine();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, events), webhookRateLimit: 1_000_000 });
  const credential = await api.call('POST', '/api/v1/credentials', {
    name: 'Hook secret',
    type: 'hmac',
    secret: { secret: 'a-shared-secret-of-some-length' },
  });
  signedHook = await liveWebhook({ secretCredentialId: credential.body.id });
  openHook = await liveWebhook({});
});
afterAll(async () => {
  await events?.close();
  await engine?.close();
});

const printable = fc.stringMatching(/^[\x20-\x7e]{0,120}$/);
const headerValue = fc.oneof(
  printable,
  fc.constantFrom(
    'Bearer sw_',
    'Bearer ',
    'bearer sw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'Basic Og==',
    't=1,v1=00',
    't=,v1=',
    't=99999999999999999999,v1=zz',
    'stepwise_session=',
    'stepwise_session=%E0%A4%A',
    'stepwise_session=a; stepwise_session=b',
    'null',
    'https://evil.example',
    'cross-site',
    'x'.repeat(8000),
  ),
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
    ),
    authorization: headerValue,
    cookie: headerValue,
    origin: headerValue,
    'sec-fetch-site': fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none', '??'),
    [SIGNATURE_HEADER]: headerValue,
    'idempotency-key': headerValue,
  },
  { requiredKeys: [] },
);

const jsonish = fc.oneof(
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify({ email: value, password: value, name: value })),
  fc.record({ email: fc.string(), password: fc.string(), name: fc.string() }).map((value) => JSON.stringify(value)),
  fc.record({ email: fc.emailAddress(), password: fc.string({ minLength: 10 }) }).map((value) => JSON.stringify(value)),
  printable,
  fc.constantFrom('{', '{"email":', '[]', 'null', '"x"', '{"__proto__":{"admin":true}}', '\u0000', ''),
  fc.constant(JSON.stringify({ email: `${'a'.repeat(300_000)}@example.com`, password: 'p'.repeat(300_000) })),
  fc.constant('x'.repeat(200_000)),
);

async function send(method: string, path: string, body: string, extra: Record<string, string>) {
  const init: RequestInit = { method, headers: extra };
  if (method !== 'GET' && method !== 'HEAD') init.body = body;
  return api.app.request(path, init);
}

describe('public endpoints under malformed input', () => {
  it.each([
    ['POST', '/api/v1/auth/login'],
    ['POST', '/api/v1/auth/setup'],
    ['POST', '/api/v1/auth/logout'],
    ['GET', '/api/v1/auth/state'],
    ['GET', '/api/v1/auth/me'],
  ])('%s %s never answers 5xx', async (method, path) => {
    await fc.assert(
      fc.asyncProperty(jsonish, headers, async (body, extra) => {
        const response = await send(method, path, body, extra);
        await response.arrayBuffer();
        expect(response.status, `${response.status} for ${body.slice(0, 80)}`).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('webhooks never answer 5xx, and a signed hook starts nothing without a valid signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('signed', 'open'),
        fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'),
        jsonish,
        headers,
        fc.constantFrom('', '?a=1', '?a=%E0%A4%A', '/../x', '%2e%2e'),
        async (which, method, body, extra, suffix) => {
          const path = `${which === 'signed' ? signedHook : openHook}${suffix}`;
          const response = await send(method, path, body, extra);
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
          if (which === 'signed') expect(response.status).not.toBe(202);
        },
      ),
      { numRuns: 80 },
    );
  });
});
