import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, GraphEdge, GraphNode } from '../core/graph/model.ts';
import { EventHub } from '../engine/event-hub.ts';
import { createRunService, type RunService } from '../runs/service.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { testEngine } from '../testing/engine.ts';
import { WEBHOOK_ANSWER_POLICY } from './app.ts';

/*
 * Webhooks that answer from a Respond to webhook node, and "last node" answers by graph order,
 * over real HTTP: a real Stepwise API on 127.0.0.1, a real engine worker, real PostgreSQL events.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
let runs: RunService;
let stepwise: { url: string; close(): Promise<void> };

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  runs = createRunService(engine.runs, events);
  api = testApi({ store: engine.store, runs, masterKey: engine.masterKey });
  const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  stepwise = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
afterAll(async () => {
  await stepwise?.close();
  await events?.close();
  await engine?.close();
});

const at = (index: number) => ({ x: 0, y: index * 100 });
const hook = (respond: string): GraphNode => ({
  id: 'hook',
  type: 'trigger.webhook',
  name: 'Hook',
  position: at(0),
  config: { path: 'orders/new', respond, timeoutMs: 20_000 },
});
const step = (id: string, type: string, config: Record<string, unknown> = {}): GraphNode => ({
  id,
  type,
  name: id.charAt(0).toUpperCase() + id.slice(1),
  position: at(1),
  config,
});
const edge = (source: string, target: string, sourcePort = 'main'): GraphEdge => ({
  id: `${source}-${sourcePort}-${target}`,
  source,
  sourcePort,
  target,
});

let made = 0;
/** Publishes and activates a workflow of `graph` (a name of its own each) and answers its webhook URL. */
async function live(graph: Graph): Promise<string> {
  made += 1;
  const created = await api.call('POST', '/api/v1/workflows', { name: `Respond ${made}`, graph });
  expect(created.status).toBe(201);
  const saved = await api.call('POST', `/api/v1/workflows/${created.body.id}/versions`, { fromDraft: true });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  await api.call('POST', `/api/v1/workflows/${created.body.id}/publish`, { version: 1 });
  await api.call('POST', `/api/v1/workflows/${created.body.id}/activate`);
  return `${stepwise.url}/hooks/${created.body.id}/orders/new`;
}

const send = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The newest webhook run of the workflow behind `url`. */
async function lastRun(url: string): Promise<string> {
  const workflowId = new URL(url).pathname.split('/')[2] as string;
  const [newest] = await engine.repos.executions.list({ workflowId, trigger: 'webhook', limit: 1 });
  if (!newest) throw new Error('no run');
  return newest.id;
}

describe('webhooks answered by a Respond to webhook node', () => {
  /*
   *   Hook (respond node) ──▶ Reply (201, X-Order, JSON) ──▶ Wait (1 minute) ──▶ Done
   */
  it('answers with exactly its status, headers and body while the run goes on', async () => {
    const url = await live({
      nodes: [
        hook('respondNode'),
        step('reply', 'action.respond', {
          status: 201,
          headers: [{ name: 'X-Order', value: '{{ input.body.id }}' }],
          body: { accepted: '{{ input.body.id }}', note: 'thanks' },
        }),
        step('wait', 'flow.delay', { amount: 1, unit: 'minutes' }),
        step('done', 'transform.set'),
      ],
      edges: [edge('hook', 'reply'), edge('reply', 'wait'), edge('wait', 'done')],
    });
    const response = await send(url, { id: 'A-7' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-order')).toBe('A-7');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ accepted: 'A-7', note: 'thanks' });
    // The answer came while the run waits on its delay.
    const executionId = await lastRun(url);
    expect(await engine.repos.executions.status(executionId)).toBe('running');
    expect(await runs.cancel(executionId)).toBe(true);
  });

  /*
   *   Hook (respond node) ──▶ Pay? (If) ──true──▶ Reply
   */
  it('answers 200 { executionId, status } when the run succeeds without a respond step', async () => {
    const url = await live({
      nodes: [
        hook('respondNode'),
        step('pay', 'condition.if', { rules: [{ left: '{{ input.body.pay }}', operator: 'isTrue' }] }),
        step('reply', 'action.respond', { status: 202 }),
      ],
      edges: [edge('hook', 'pay'), edge('pay', 'reply', 'true')],
    });
    const response = await send(url, { pay: false });
    expect(response.status).toBe(200);
    const executionId = await lastRun(url);
    expect(await response.json()).toEqual({ executionId, status: 'succeeded' });
    // And with the branch taken, the respond step answers instead.
    expect((await send(url, { pay: true })).status).toBe(202);
  });

  /*
   *   Hook (respond node) ──▶ Check stock (script: throws) ──▶ Reply
   */
  it('answers 500 with the run’s error summary when the run fails without a respond step', async () => {
    const url = await live({
      nodes: [
        hook('respondNode'),
        step('check', 'transform.script', { code: 'throw new Error("stock is gone")' }),
        step('reply', 'action.respond'),
      ],
      edges: [edge('hook', 'check'), edge('check', 'reply')],
    });
    const response = await send(url, {});
    expect(response.status).toBe(500);
    const executionId = await lastRun(url);
    const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe('run_failed');
    expect(body.error.message).toContain('the run ended failed at "Check"');
    expect(body.error.message).toContain('stock is gone');
    expect(body.error.details).toMatchObject({
      executionId,
      status: 'failed',
      error: { nodeId: 'check', nodeName: 'Check', message: expect.stringContaining('stock is gone') },
    });
  });

  /*
   *   Hook (respond node) ──▶ Left (respond 201)
   *         └──────────────▶ Right (respond 202)
   */
  it('with two responders on two branches, the first stored answers and the other is recorded as ignored', async () => {
    const url = await live({
      nodes: [
        hook('respondNode'),
        step('left', 'action.respond', { status: 201, body: { from: 'left' } }),
        step('right', 'action.respond', { status: 202, body: { from: 'right' } }),
      ],
      edges: [edge('hook', 'left'), edge('hook', 'right')],
    });
    const response = await send(url, {});
    const body = (await response.json()) as { from: string };
    const [answering, other] = body.from === 'left' ? ['left', 'right'] : ['right', 'left'];
    expect(response.status).toBe(answering === 'left' ? 201 : 202);
    const { execution, steps } = await engine.finished(await lastRun(url));
    expect(execution.status).toBe('succeeded');
    const outputOf = (nodeId: string) => steps.find((row) => row.nodeId === nodeId)?.output;
    expect(outputOf(answering)).not.toHaveProperty('ignored');
    const name = (other === 'left' ? 'Right' : 'Left') as string;
    expect(outputOf(other)).toMatchObject({
      ignored: true,
      reason: `the webhook was already answered by "${name}"`,
      body: { from: other },
    });
  });

  it('never sends hop-by-hop headers, Content-Length or Set-Cookie, and sandboxes what it sends', async () => {
    const url = await live({
      nodes: [
        hook('respondNode'),
        step('reply', 'action.respond', {
          bodyType: 'text',
          body: '<script>alert(document.cookie)</script>',
          headers: [
            { name: 'Content-Type', value: 'text/html' },
            { name: 'Set-Cookie', value: 'stepwise_session=stolen; Path=/' },
            { name: 'Connection', value: 'close' },
            { name: 'Transfer-Encoding', value: 'chunked' },
            { name: 'Content-Length', value: '999' },
            { name: 'Content-Security-Policy', value: "script-src 'unsafe-inline'" },
            { name: 'X-Kept', value: 'yes' },
          ],
        }),
      ],
      edges: [edge('hook', 'reply')],
    });
    const response = await send(url, {});
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toBe('<script>alert(document.cookie)</script>');
    expect(response.headers.get('x-kept')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(response.headers.get('content-security-policy')).toBe(WEBHOOK_ANSWER_POLICY);
    const { steps } = await engine.finished(await lastRun(url));
    expect(steps.find((row) => row.nodeId === 'reply')?.output).toMatchObject({
      droppedHeaders: ['set-cookie', 'connection', 'transfer-encoding', 'content-length'],
    });
  });

  it('sends no body for an empty answer', async () => {
    const url = await live({
      nodes: [hook('respondNode'), step('reply', 'action.respond', { status: 204, bodyType: 'empty' })],
      edges: [edge('hook', 'reply')],
    });
    const response = await send(url, {});
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});

describe('"last node" answers with the run’s result', () => {
  /*
   *   Hook (last node) ──▶ Wait (1 s) ──▶ Late (set)
   *         └────────────▶ Quick (set)
   * Quick finishes first but comes last in graph order (Late before it in `nodes`).
   */
  it('by graph order, never by which step finished last', async () => {
    const url = await live({
      nodes: [
        hook('lastNode'),
        step('wait', 'flow.delay', { amount: 1, unit: 'seconds' }),
        step('late', 'transform.set', { keepInput: false, fields: [{ path: 'who', value: 'late' }] }),
        step('quick', 'transform.set', { keepInput: false, fields: [{ path: 'who', value: 'quick' }] }),
      ],
      edges: [edge('hook', 'wait'), edge('wait', 'late'), edge('hook', 'quick')],
    });
    const response = await send(url, {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ who: 'quick' });
    const { steps } = await engine.finished(await lastRun(url));
    const finishedAt = (nodeId: string) => steps.find((row) => row.nodeId === nodeId)?.finishedAt ?? '';
    // What makes this a test of the rule: the step that finished last is another one.
    expect(finishedAt('late') > finishedAt('quick')).toBe(true);
  });
});
