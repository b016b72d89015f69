import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256 } from '../auth/tokens.ts';
import type { Graph } from '../core/graph/model.ts';
import { SIGNATURE_HEADER, signBody } from '../credentials/hmac.capability.ts';
import { EventHub } from '../engine/event-hub.ts';
import { createRunService } from '../runs/service.ts';
import { masterKeyFrom } from '../security/master-key.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { testEngine } from '../testing/engine.ts';

/*
 * "Listen for a test request" on a draft's webhook trigger: a single-use test URL that takes one
 * request within five minutes, checked as the live webhook would check it, stored as the draft's
 * test data, starting no run.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
const masterKey = masterKeyFrom(randomBytes(32));

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({
    store: engine.store,
    runs: createRunService(engine.runs, events),
    masterKey,
    publicUrl: 'https://flows.example.com',
  });
});
afterAll(async () => {
  await events?.close();
  await engine?.close();
});

/**
 *   Hook (webhook: POST orders/new) ──▶ Reply (set: orderId from the body)
 */
const hooked = (config: Record<string, unknown> = {}): Graph => ({
  nodes: [
    {
      id: 'hook',
      type: 'trigger.webhook',
      name: 'Hook',
      position: { x: 0, y: 0 },
      config: { path: 'orders/new', ...config },
    },
    {
      id: 'reply',
      type: 'transform.set',
      name: 'Reply',
      position: { x: 0, y: 100 },
      config: { keepInput: false, fields: [{ path: 'orderId', value: '{{ trigger.body.id }}' }] },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', sourcePort: 'main', target: 'reply' }],
});

async function draftWorkflow(graph: Graph = hooked()): Promise<string> {
  const created = await api.call('POST', '/api/v1/workflows', { name: 'Orders', graph }, { as: 'analyst' });
  expect(created.status).toBe(201);
  return created.body.id;
}

const listen = (id: string, as: 'analyst' | 'operator' | 'admin' = 'analyst') =>
  api.call('POST', `/api/v1/workflows/${id}/webhook-test`, undefined, { as });
const state = (id: string) => api.call('GET', `/api/v1/workflows/${id}/webhook-test`, undefined, { as: 'operator' });
/** The test URL's path and query, as a sender outside would call it. */
const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};
const send = (url: string, body: string, headers: Record<string, string> = {}, method = 'POST') =>
  api.app.request(pathOf(url), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'GET' ? {} : { body }),
  });

describe('listening for a test request', () => {
  it('captures one request as the trigger would hand it over, and starts no run', async () => {
    const id = await draftWorkflow();
    expect((await state(id)).body).toMatchObject({ status: 'none', url: null, method: 'POST', signed: false });

    const armed = await listen(id);
    expect(armed.status).toBe(201);
    expect(armed.body).toMatchObject({ status: 'listening', nodeId: 'hook', method: 'POST', signed: false });
    expect(armed.body.url).toMatch(/^https:\/\/flows\.example\.com\/hooks\/test\/[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(armed.body.expiresAt) - Date.parse(armed.body.armedAt)).toBe(5 * 60_000);

    const sent = await send(`${armed.body.url}?source=shop`, JSON.stringify({ id: 'A-17' }), {
      'x-shop': 'north',
      authorization: 'Bearer never-stored',
      cookie: 'session=never-stored',
    });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ received: true });

    const captured = (await state(id)).body;
    expect(captured).toMatchObject({
      status: 'captured',
      url: null,
      payload: {
        method: 'POST',
        path: 'orders/new',
        query: { source: 'shop' },
        body: { id: 'A-17' },
        headers: { 'x-shop': 'north', 'content-type': 'application/json' },
      },
    });
    // The headers a live payload never keeps are left out here too.
    expect(JSON.stringify(captured.payload)).not.toContain('never-stored');
    // No run of any kind was started.
    expect(await engine.repos.executions.list({ workflowId: id, limit: 10 })).toHaveLength(0);
  });

  it('takes one request only: a second is refused, and listening again gives a new URL', async () => {
    const id = await draftWorkflow();
    const { url } = (await listen(id)).body;
    expect((await send(url, '{"n":1}')).status).toBe(200);
    const second = await send(url, '{"n":2}');
    expect(second.status).toBe(410);
    expect((await second.json()).error.code).toBe('test_url_used');
    expect((await state(id)).body.payload.body).toEqual({ n: 1 });

    const again = (await listen(id)).body;
    expect(again.url).not.toBe(url);
    expect(again.status).toBe('listening');
    // The old URL is gone with the test it belonged to.
    expect((await send(url, '{"n":3}')).status).toBe(404);
    expect((await send(again.url, '{"n":4}')).status).toBe(200);
    expect((await state(id)).body.payload.body).toEqual({ n: 4 });
  });

  it('refuses a request after its URL expired', async () => {
    const id = await draftWorkflow();
    // A test URL armed five minutes ago, as the route would have stored it then.
    const token = randomToken();
    await engine.repos.webhookTests.arm({
      workflowId: id,
      nodeId: 'hook',
      tokenHash: sha256(token),
      armedBy: null,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect((await state(id)).body.status).toBe('expired');
    const late = await send(`https://flows.example.com/hooks/test/${token}`, '{}');
    expect(late.status).toBe(410);
    expect((await late.json()).error).toMatchObject({ code: 'test_url_expired' });
    expect((await state(id)).body).toMatchObject({ status: 'expired', payload: null });
  });

  it('checks the signature with the trigger’s HMAC credential, and says why it refused', async () => {
    const secret = 'a shared secret of 32 characters';
    const credential = await api.call('POST', '/api/v1/credentials', {
      name: 'Shop signing',
      type: 'hmac',
      secret: { secret },
    });
    const id = await draftWorkflow(hooked({ secretCredentialId: credential.body.id }));
    const armed = (await listen(id)).body;
    expect(armed.signed).toBe(true);
    const body = JSON.stringify({ id: 'B-2' });
    const now = Math.floor(Date.now() / 1000);

    const unsigned = await send(armed.url, body);
    expect(unsigned.status).toBe(401);
    const forged = await send(armed.url, body, { [SIGNATURE_HEADER]: signBody('another secret entirely!', body, now) });
    expect(forged.status).toBe(401);
    const refusal = await forged.json();
    expect(refusal.error.code).toBe('invalid_signature');
    // The editor, still listening, shows the same reason.
    expect((await state(id)).body).toMatchObject({
      status: 'listening',
      refusal: { status: 401, message: refusal.error.message },
    });

    const signed = await send(armed.url, body, { [SIGNATURE_HEADER]: signBody(secret, body, now) });
    expect(signed.status).toBe(200);
    const captured = (await state(id)).body;
    expect(captured).toMatchObject({ status: 'captured', refusal: null, payload: { body: { id: 'B-2' } } });
    // The signature is no part of the payload, as with a live request.
    expect(captured.payload.headers).not.toHaveProperty(SIGNATURE_HEADER);
  });

  it('refuses the wrong method, and a draft without a webhook trigger', async () => {
    const id = await draftWorkflow();
    const { url } = (await listen(id)).body;
    const wrong = await send(url, '', {}, 'GET');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await state(id)).body.status).toBe('listening');

    const manual = await draftWorkflow({
      nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    });
    const refused = await listen(manual);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'no_webhook_trigger' });
    expect(refused.body.error.message).toContain('no webhook trigger');
  });

  it('is for editors to arm; everyone who views the workflow can read it', async () => {
    const id = await draftWorkflow();
    expect((await listen(id, 'operator')).status).toBe(403);
    expect((await listen(id, 'admin')).status).toBe(201);
    expect((await state(id)).status).toBe(200);
    const nobody = await api.call('GET', `/api/v1/workflows/${id}/webhook-test`, undefined, { as: 'anonymous' });
    expect(nobody.status).toBe(401);
  });

  it('gives the draft test data a test run then starts with', async () => {
    const id = await draftWorkflow();
    const { url } = (await listen(id)).body;
    expect((await send(url, JSON.stringify({ id: 'C-3' }))).status).toBe(200);
    const { payload } = (await state(id)).body;

    const started = await api.call('POST', `/api/v1/workflows/${id}/runs`, { draft: true, payload }, { as: 'analyst' });
    expect(started.status).toBe(201);
    const { execution, steps } = await engine.finished(started.body.executionId);
    expect(execution.status).toBe('succeeded');
    expect(execution.triggerPayload).toEqual(payload);
    expect(steps.find((step) => step.nodeId === 'reply')?.output).toEqual({ orderId: 'C-3' });
  });
});
