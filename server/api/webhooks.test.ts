import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { EventHub } from '../engine/event-hub.ts';
import { StepJobBatcher } from '../engine/queue.ts';
import { createRunService } from '../runs/service.ts';
import { masterKeyFrom } from '../security/master-key.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { testEngine } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';
import { SIGNATURE_HEADER, signBody } from './signature.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
/** One key for every API of this file, so each can open the credentials another stored. */
const masterKey = masterKeyFrom(randomBytes(32));

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, events), webhookRateLimit: 5, masterKey });
});
afterAll(async () => {
  await events?.close();
  await engine?.close();
});

/**
 *   Webhook (POST orders/new) ──▶ Reply (set: ok, orderId)
 */
const hooked = (config: Record<string, unknown>): Graph => ({
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
      config: {
        keepInput: false,
        fields: [
          { path: 'orderId', value: '{{ input.body.id }}' },
          { path: 'ok', value: '{{ true }}' },
        ],
      },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', sourcePort: 'main', target: 'reply' }],
});

async function liveWebhook(config: Record<string, unknown> = {}, activate = true): Promise<string> {
  const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Hooked', graph: hooked(config) })).body;
  await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
  await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
  if (activate) await api.call('POST', `/api/v1/workflows/${id}/activate`);
  return id;
}

const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  api.app.request(path, { method: 'POST', headers, body });

const webhookRuns = (workflowId: string) =>
  engine.repos.executions.list({ workflowId, trigger: 'webhook', limit: 100 });

/** A queue that refuses every job, as PostgreSQL does while it is down. */
class DownQueue extends StepJobBatcher {
  override add(): Promise<void> {
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  }
}

/** Sends `body` to the workflow's webhook with an idempotency key, through `via` (this file's API by default). */
const deliver = (id: string, key: string, body: unknown, via: TestApi = api) =>
  via.app.request(`/hooks/${id}/orders/new`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });

describe('webhooks', () => {
  it('answers at once with the execution id, and the run gets the request as its payload', async () => {
    const id = await liveWebhook();
    const response = await post(`/hooks/${id}/orders/new?source=shop`, JSON.stringify({ id: 42 }), {
      'content-type': 'application/json',
      'x-shop': 'north',
      authorization: 'Bearer secret-token',
    });
    expect(response.status).toBe(202);
    const { executionId } = (await response.json()) as { executionId: string };
    const { execution, steps } = await engine.finished(executionId);
    expect(execution).toMatchObject({ status: 'succeeded', trigger: 'webhook' });
    expect(execution.triggerPayload).toMatchObject({
      method: 'POST',
      path: 'orders/new',
      query: { source: 'shop' },
      body: { id: 42 },
      headers: { 'x-shop': 'north' },
    });
    // Credentials in headers are never stored with the run.
    expect(JSON.stringify(execution.triggerPayload)).not.toContain('secret-token');
    expect(steps.at(-1)?.output).toEqual({ orderId: 42, ok: true });
  });

  it('reads form bodies, and refuses bad JSON with 400 and no run', async () => {
    const id = await liveWebhook();
    const form = await post(`/hooks/${id}/orders/new`, 'id=7&name=ada', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const { executionId } = (await form.json()) as { executionId: string };
    expect((await engine.finished(executionId)).execution.triggerPayload).toMatchObject({
      body: { id: '7', name: 'ada' },
    });
    const bad = await post(`/hooks/${id}/orders/new`, '{"id":');
    expect(bad.status).toBe(400);
    expect(await webhookRuns(id)).toHaveLength(1);
  });

  it('refuses JSON nested 10,000 deep with 400 and no run', async () => {
    const id = await liveWebhook();
    const deep = await post(`/hooks/${id}/orders/new`, `{"id":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(deep.status).toBe(400);
    expect(deep.headers.get('cache-control')).toBe('no-store');
    expect(await deep.json()).toMatchObject({ error: { message: 'body nests deeper than 256 levels' } });
    expect(await webhookRuns(id)).toHaveLength(0);
  });

  it('waits for the run and answers with the last step output when configured to', async () => {
    const id = await liveWebhook({ respond: 'lastNode' });
    const response = await post(`/hooks/${id}/orders/new`, JSON.stringify({ id: 'A-1' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ orderId: 'A-1', ok: true });
  });

  it('answers 202 with the id when the run outlasts the wait', async () => {
    const id = await liveWebhook({ respond: 'lastNode', timeoutMs: 1000 });
    // Version 2 adds a 3-second delay before a last step: the run outlasts the 1-second wait.
    const graph = hooked({ respond: 'lastNode', timeoutMs: 1000 });
    graph.nodes.push({
      id: 'wait',
      type: 'flow.delay',
      name: 'Wait',
      position: { x: 0, y: 200 },
      config: { amount: 3, unit: 'seconds' },
    });
    graph.nodes.push({ id: 'end', type: 'transform.set', name: 'End', position: { x: 0, y: 300 }, config: {} });
    graph.edges.push({ id: 'e2', source: 'reply', sourcePort: 'main', target: 'wait' });
    graph.edges.push({ id: 'e3', source: 'wait', sourcePort: 'main', target: 'end' });
    await api.call('POST', `/api/v1/workflows/${id}/versions`, { graph });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 2 });
    const response = await post(`/hooks/${id}/orders/new`, JSON.stringify({ id: 1 }));
    expect(response.status).toBe(202);
    const body = (await response.json()) as { executionId: string; finished: boolean };
    expect(body.finished).toBe(false);
    expect((await engine.repos.executions.get(body.executionId))?.status).not.toBe('succeeded');
  });

  it('answers only at its path and method, and only while the workflow is active', async () => {
    const id = await liveWebhook();
    expect((await post(`/hooks/${id}/orders/old`, '{}')).status).toBe(404);
    const wrongMethod = await api.app.request(`/hooks/${id}/orders/new`, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect((await post('/hooks/not-a-uuid/orders/new', '{}')).status).toBe(404);
    const inactive = await liveWebhook({}, false);
    expect((await post(`/hooks/${inactive}/orders/new`, '{}')).status).toBe(404);
    expect(await webhookRuns(inactive)).toHaveLength(0);
  });

  it('with a secret, accepts only requests signed with it, recently, over the exact body', async () => {
    const secret = 'whsec-0123456789abcdef';
    const credential = await api.call('POST', '/api/v1/credentials', {
      name: 'Shop',
      type: 'hmac',
      secret: { secret },
    });
    expect(credential.status).toBe(201);
    const id = await liveWebhook({ secretCredentialId: credential.body.id });
    const body = JSON.stringify({ id: 'signed' });
    const now = Math.floor(Date.now() / 1000);
    const send = (signature?: string, sentBody = body) =>
      post(`/hooks/${id}/orders/new`, sentBody, {
        'content-type': 'application/json',
        ...(signature ? { [SIGNATURE_HEADER]: signature } : {}),
      });

    const signed = await send(signBody(secret, body, now));
    expect(signed.status).toBe(202);
    const { executionId } = (await signed.json()) as { executionId: string };
    const { execution } = await engine.finished(executionId);
    expect(JSON.stringify(execution.triggerPayload)).not.toContain('v1='); // the signature is not stored
    await new Promise((resolve) => setTimeout(resolve, 1100)); // this file's rate limit is 5 a second

    for (const refused of [
      await send(), // unsigned
      await send(signBody('another-secret-entirely', body, now)), // wrong secret
      await send(signBody(secret, body, now - 600)), // too old: a replay
      await send(signBody(secret, body, now), JSON.stringify({ id: 'tampered' })), // body changed
      await send('t=abc,v1=00'),
    ]) {
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    }
    expect(await webhookRuns(id)).toHaveLength(1);
  });

  describe('signed requests', () => {
    const secret = 'whsec-replay-0123456789';
    let credentialId: string;
    beforeAll(async () => {
      credentialId = (
        await api.call('POST', '/api/v1/credentials', { name: 'Replay', type: 'hmac', secret: { secret } })
      ).body.id;
    });
    const signedPost = (id: string, body: string, signature: string, extra: Record<string, string> = {}, via = api) =>
      via.app.request(`/hooks/${id}/orders/new`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, ...extra },
        body,
      });
    const nowS = () => Math.floor(Date.now() / 1000);
    const codeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

    it('refuses a replay of an accepted request with 409, however its signature is spelled', async () => {
      const id = await liveWebhook({ secretCredentialId: credentialId });
      const body = JSON.stringify({ id: 'once' });
      const signature = signBody(secret, body, nowS());
      // The attack: the same signed request, captured once, sent 5 times within its window.
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await signedPost(id, body, signature));
      expect(answers.map((answer) => answer.status)).toEqual([202, 409, 409, 409, 409]);
      expect(await codeOf(answers[1] as Response)).toBe('replayed_request');
      // Upper-case hex and reordered parts are the same signature.
      await new Promise((resolve) => setTimeout(resolve, 1100)); // this file's rate limit is 5 a second
      const [t, v1] = signature.split(',') as [string, string];
      expect((await signedPost(id, body, `${v1.toUpperCase().replace('V1', 'v1')}, ${t}`)).status).toBe(409);
      // At once, too: concurrent copies start one run.
      const fresh = JSON.stringify({ id: 'burst' });
      const burstSignature = signBody(secret, fresh, nowS());
      const burst = await Promise.all([1, 2, 3].map(() => signedPost(id, fresh, burstSignature)));
      expect(burst.map((answer) => answer.status).sort()).toEqual([202, 409, 409]);
      expect(await webhookRuns(id)).toHaveLength(2);
      // A new signature over the same body (a new timestamp) is a new request.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await signedPost(id, body, signBody(secret, body, nowS() - 1))).status).toBe(202);
      expect(await webhookRuns(id)).toHaveLength(3);
    });

    it('answers a repeat that carries a seen idempotency key as a duplicate, not a replay', async () => {
      const id = await liveWebhook({ secretCredentialId: credentialId });
      const body = JSON.stringify({ id: 'keyed' });
      const signature = signBody(secret, body, nowS());
      const first = await signedPost(id, body, signature, { 'idempotency-key': 'order-keyed' });
      expect(first.status).toBe(202);
      const { executionId } = (await first.json()) as { executionId: string };
      const again = await signedPost(id, body, signature, { 'idempotency-key': 'order-keyed' });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ executionId, duplicate: true });
      // The same signature with a key never seen is a replay all the same.
      expect((await signedPost(id, body, signature, { 'idempotency-key': 'order-other' })).status).toBe(409);
      expect(await webhookRuns(id)).toHaveLength(1);
    });

    it('forgets the signature of a request whose run could not start, so the sender’s retry starts it', async () => {
      const id = await liveWebhook({ secretCredentialId: credentialId });
      const queueDown = testApi({
        store: engine.store,
        runs: createRunService({ ...engine.runs, jobs: new DownQueue(engine.pgPool) }, events),
        masterKey,
      });
      const body = JSON.stringify({ id: 'retried' });
      const signature = signBody(secret, body, nowS());
      expect((await signedPost(id, body, signature, {}, queueDown)).status).toBe(503);
      expect((await signedPost(id, body, signature)).status).toBe(202);
      expect((await signedPost(id, body, signature)).status).toBe(409);
    });

    it('keeps signatures only while they could verify: expired ones are pruned as new ones come', async () => {
      const id = await liveWebhook({ secretCredentialId: credentialId });
      const file = storeFile(engine.store);
      const past = new Date(Date.now() - 1000).toISOString();
      expect(await engine.repos.webhooks.rememberSignature(id, 'aa'.repeat(32), past)).toBe(true);
      expect(await engine.repos.webhooks.rememberSignature(id, 'bb'.repeat(32), past)).toBe(true);
      // An expired signature is taken afresh (its timestamp no longer verifies anyway)…
      const later = new Date(Date.now() + 60_000).toISOString();
      expect(await engine.repos.webhooks.rememberSignature(id, 'aa'.repeat(32), later)).toBe(true);
      expect(await engine.repos.webhooks.rememberSignature(id, 'aa'.repeat(32), later)).toBe(false);
      // …and the other expired one is gone.
      expect(file.column('select digest from webhook_signatures where workflow_id = ?', id)).toEqual(['aa'.repeat(32)]);
    });

    it('counts forged and unsigned requests in a bucket of their own: a flood does not refuse the signed sender', async () => {
      const id = await liveWebhook({ secretCredentialId: credentialId });
      // The attack: 40 unsigned or forged requests at once, with the legitimate sender's 5 among them.
      const flood = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? post(`/hooks/${id}/orders/new`, '{}')
          : signedPost(id, '{}', signBody('not-the-secret', '{}', nowS())),
      );
      const legit = Array.from({ length: 5 }, (_, i) => {
        const body = JSON.stringify({ id: `legit-${i}` });
        return signedPost(id, body, signBody(secret, body, nowS()));
      });
      const [flooded, signed] = await Promise.all([Promise.all(flood), Promise.all(legit)]);
      expect(signed.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
      const statuses = flooded.map((answer) => answer.status);
      // Their own bucket holds 5 a second (a slow machine may refill one or two meanwhile).
      expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(5);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(30);
      expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
      expect(await webhookRuns(id)).toHaveLength(5);
    });
  });

  it('refuses everything when its secret credential is missing', async () => {
    const id = await liveWebhook({ secretCredentialId: '01a200a9-5cfd-7049-9fb8-b1b2d26fba24' });
    const response = await post(`/hooks/${id}/orders/new`, '{}', {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signBody('whatever-secret-123', '{}', Math.floor(Date.now() / 1000)),
    });
    expect(response.status).toBe(401);
    expect(await webhookRuns(id)).toHaveLength(0);
  });

  it('starts no second run for a repeated delivery with the same idempotency key', async () => {
    const id = await liveWebhook();
    const send = () =>
      post(`/hooks/${id}/orders/new`, JSON.stringify({ id: 9 }), {
        'content-type': 'application/json',
        'idempotency-key': 'delivery-9',
      });
    const first = (await (await send()).json()) as { executionId: string };
    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ executionId: first.executionId, duplicate: true });
    expect(await webhookRuns(id)).toHaveLength(1);
  });

  it('answers concurrent deliveries with the same key with one run', async () => {
    const id = await liveWebhook();
    const answers = await Promise.all([deliver(id, 'twice', { id: 1 }), deliver(id, 'twice', { id: 1 })]);
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{ executionId: string }>;
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 202]);
    const [run] = await webhookRuns(id);
    expect(await webhookRuns(id)).toHaveLength(1);
    expect(bodies.map((body) => body.executionId)).toEqual([run?.id, run?.id]);
  });

  it('forgets the key of a delivery whose run could not start, so the sender’s retry starts it', async () => {
    const id = await liveWebhook();
    const queueDown = testApi({
      store: engine.store,
      runs: createRunService({ ...engine.runs, jobs: new DownQueue(engine.pgPool) }, events),
    });
    const refused = await deliver(id, 'delivery-7', { id: 7 }, queueDown);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: { code: 'run_not_started', message: expect.any(String) } });
    const [failed] = await webhookRuns(id);
    expect(await engine.repos.executions.get(failed?.id as string)).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('could not queue the run') },
    });

    // The queue is back: the retry starts a run (no 409, no answer pointing at the failed one)…
    const retried = await deliver(id, 'delivery-7', { id: 7 });
    expect(retried.status).toBe(202);
    const { executionId } = (await retried.json()) as { executionId: string };
    expect(executionId).not.toBe(failed?.id);
    expect((await engine.finished(executionId)).execution.status).toBe('succeeded');
    // …and the key now stands for that run.
    expect(await (await deliver(id, 'delivery-7', { id: 7 })).json()).toEqual({ executionId, duplicate: true });
  });

  it('starts a new run for a key older than the 24-hour window', async () => {
    const id = await liveWebhook();
    const first = (await (await deliver(id, 'delivery-old', { id: 1 })).json()) as { executionId: string };
    const dayAndAnHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000).toISOString();
    storeFile(engine.store).run(
      'update webhook_deliveries set created_at = ? where workflow_id = ? and idempotency_key = ?',
      dayAndAnHourAgo,
      id,
      'delivery-old',
    );
    const again = await deliver(id, 'delivery-old', { id: 1 });
    expect(again.status).toBe(202);
    const second = (await again.json()) as { executionId: string };
    expect(second.executionId).not.toBe(first.executionId);
    expect(await webhookRuns(id)).toHaveLength(2);
    // The window starts again from the new delivery.
    expect(await (await deliver(id, 'delivery-old', { id: 1 })).json()).toEqual({
      executionId: second.executionId,
      duplicate: true,
    });
  });

  it('limits each workflow’s rate (429) and body size (413)', async () => {
    const id = await liveWebhook();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(`/hooks/${id}/orders/new`, '{}')));
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
    expect(answers.find((response) => response.status === 429)?.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const big = await post(`/hooks/${id}/orders/new`, JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await big.json()).toEqual({
      error: { code: 'payload_too_large', message: 'body is larger than 65536 bytes' },
    });
    expect(await webhookRuns(id)).toHaveLength(5);
  });
});
