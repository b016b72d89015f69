import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, type RecordedRequest, testEngine, testHttpServer } from '../testing/engine.ts';

/**
 * Answers by path: `/<n>x<status>/<tag>` answers `status` to the first n requests for that path,
 * then 200. A 429 carries `Retry-After: 0`, so the engine retries at once.
 */
const seen = new Map<string, number>();
function answer(request: RecordedRequest, response: ServerResponse) {
  const path = new URL(request.url, 'http://x').pathname;
  const count = (seen.get(path) ?? 0) + 1;
  seen.set(path, count);
  const rule = /^\/(\d+)x(\d{3})\//.exec(path);
  const status = rule && count <= Number(rule[1]) ? Number(rule[2]) : 200;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429) headers['retry-after'] = '0';
  response.writeHead(status, headers);
  response.end(JSON.stringify(status === 200 ? { ok: true, call: count } : { error: `answer ${status}` }));
}

let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  http = await testHttpServer(answer);
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

const requestsTo = (path: string) => http.requests.filter((request) => request.url === path);

//  Start ──▶ Call ──▶ After
const callThenAfter = (url: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { url }),
    node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }], keepInput: false }),
  ],
  edges: [edge('start', 'call'), edge('call', 'after')],
});

describe('a step that fails, then succeeds', () => {
  it('retries a 429 as soon as Retry-After: 0 allows, recording every attempt', async () => {
    const started = await engine.run(callThenAfter(`${http.url}/2x429/fast`));
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const calls = steps.filter((step) => step.nodeId === 'call').sort((a, b) => a.attempt - b.attempt);
    expect(calls.map((step) => [step.attempt, step.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    for (const failed of calls.slice(0, 2)) {
      expect(failed.retryAt).not.toBeNull();
      expect(failed.error).toMatchObject({ name: 'RetryAfterError', retryable: true });
      expect((failed.error as { message: string }).message).toContain('HTTP 429');
      // Retry-After: 0 means now, not the policy's one-second backoff: due at the moment it failed,
      // which lies within the attempt (exact delays from a stopped clock: step-execute.test.ts).
      const retryAt = Date.parse(failed.retryAt as string);
      expect(retryAt).toBeGreaterThanOrEqual(Date.parse(failed.startedAt as string));
      expect(retryAt).toBeLessThanOrEqual(Date.parse(failed.finishedAt as string));
    }
    expect(calls[2]?.retryAt).toBeNull();
    expect(calls[2]?.output).toMatchObject({ status: 200, body: { ok: true, call: 3 } });
    expect(requestsTo('/2x429/fast')).toHaveLength(3);
    // The step after runs once, on the successful attempt's output.
    expect(steps.filter((step) => step.nodeId === 'after').map((step) => [step.attempt, step.status])).toEqual([
      [1, 'succeeded'],
    ]);
  });

  it('retries a 500 by the node’s backoff policy (about 1 s, then 2 s)', async () => {
    const started = await engine.run(callThenAfter(`${http.url}/2x500/slow`));
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const calls = steps.filter((step) => step.nodeId === 'call').sort((a, b) => a.attempt - b.attempt);
    expect(calls.map((step) => [step.attempt, step.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    expect(calls[0]?.error).toMatchObject({
      name: 'Error',
      retryable: true,
      message: expect.stringContaining('HTTP 500'),
    });
    // Policy: 1000 ms then 2000 ms, each ±25 % jitter, counted from the moment the attempt failed,
    // which lies between its start and its end; no attempt starts before its retryAt. (Exact
    // delays from a stopped clock: step-execute.test.ts.)
    for (const [index, backoffMs] of [1000, 2000].entries()) {
      const failed = calls[index];
      const next = calls[index + 1];
      const retryAt = Date.parse(failed?.retryAt as string);
      expect(retryAt).toBeGreaterThanOrEqual(Date.parse(failed?.startedAt as string) + backoffMs * 0.75);
      expect(retryAt).toBeLessThanOrEqual(Date.parse(failed?.finishedAt as string) + backoffMs * 1.25);
      expect(Date.parse(next?.startedAt as string)).toBeGreaterThanOrEqual(retryAt);
    }
    expect(byNode(steps).after?.status).toBe('succeeded');
  });

  it('gives up after the policy’s four attempts and fails the run', async () => {
    const started = await engine.run(callThenAfter(`${http.url}/9x429/always`));
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    const calls = steps.filter((step) => step.nodeId === 'call').sort((a, b) => a.attempt - b.attempt);
    expect(calls.map((step) => step.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(calls.map((step) => step.retryAt === null)).toEqual([false, false, false, true]);
    expect(calls[3]?.error).toMatchObject({ name: 'RetryAfterError', retryable: false });
    expect(requestsTo('/9x429/always')).toHaveLength(4);
    expect(steps.some((step) => step.nodeId === 'after')).toBe(false);
    expect(execution.error).toMatchObject({ nodeId: 'call', nodeName: 'Call' });
  });
});

describe('a step that fails for good', () => {
  it('fails a 404 at once: one attempt, the run failed naming the node, later steps never run', async () => {
    //  Start ──▶ Call ──▶ After
    const started = await engine.run(callThenAfter(`${http.url}/9x404/missing`));
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toEqual({
      nodeId: 'call',
      nodeName: 'Call',
      message: 'HTTP 404: {"error":"answer 404"}',
    });
    expect(execution.finishedAt).not.toBeNull();
    const call = steps.filter((step) => step.nodeId === 'call');
    expect(call).toHaveLength(1);
    expect(call[0]).toMatchObject({ attempt: 1, status: 'failed', retryAt: null });
    expect(call[0]?.error).toMatchObject({ name: 'NonRetryableError', retryable: false });
    expect(requestsTo('/9x404/missing')).toHaveLength(1);
    expect(steps.map((step) => step.nodeId)).toEqual(['start', 'call']);
  });

  it('fails a script that throws at once, with the sandbox’s message', async () => {
    //  Start ──▶ Boom ──▶ After
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('boom', 'transform.script', 'Boom', { code: 'throw new Error("no stock for " + input.sku);' }),
        node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }] }),
      ],
      edges: [edge('start', 'boom'), edge('boom', 'after')],
    };
    const started = await engine.run(graph, { sku: 'X-1' });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatchObject({ nodeId: 'boom', nodeName: 'Boom' });
    const message = (execution.error as { message: string }).message;
    expect(message).toMatch(/^script failed: /);
    expect(message).toContain('no stock for X-1');
    const boom = steps.filter((step) => step.nodeId === 'boom');
    expect(boom).toHaveLength(1);
    expect(boom[0]).toMatchObject({ attempt: 1, status: 'failed', retryAt: null, input: { sku: 'X-1' } });
    expect(boom[0]?.error).toMatchObject({ name: 'SandboxError', retryable: false, message });
    expect(steps.some((step) => step.nodeId === 'after')).toBe(false);
  });

  it('fails an expression that throws at once, naming the expression', async () => {
    //  Start ──▶ Map ──▶ After
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('map', 'transform.set', 'Map', { fields: [{ path: 'city', value: '{{ input.address.city }}' }] }),
        node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }] }),
      ],
      edges: [edge('start', 'map'), edge('map', 'after')],
    };
    const started = await engine.run(graph, { name: 'no address' });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatchObject({ nodeId: 'map', nodeName: 'Map' });
    const message = (execution.error as { message: string }).message;
    expect(message).toMatch(/^\{\{ input\.address\.city \}\}: /);
    expect(message).toMatch(/city/);
    const map = steps.filter((step) => step.nodeId === 'map');
    expect(map).toHaveLength(1);
    expect(map[0]).toMatchObject({ attempt: 1, status: 'failed', retryAt: null });
    expect(map[0]?.error).toMatchObject({ name: 'SandboxError', retryable: false });
    expect(steps.some((step) => step.nodeId === 'after')).toBe(false);
  });

  it('fails at the trigger when the payload does not match its fields', async () => {
    //  Start (fields: email) ──▶ After
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start', { fields: [{ name: 'email', type: 'string' }] }),
        node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }] }),
      ],
      edges: [edge('start', 'after')],
    };
    const started = await engine.run(graph, { email: 42 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatchObject({ nodeId: 'start', nodeName: 'Start' });
    expect((execution.error as { message: string }).message).toMatch(/^payload does not match the trigger's fields/);
    expect(steps.map((step) => [step.nodeId, step.attempt, step.status])).toEqual([['start', 1, 'failed']]);
  });
});
