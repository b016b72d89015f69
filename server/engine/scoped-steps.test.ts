import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import {
  edge,
  node,
  type RecordedRequest,
  stepRunsNow,
  testEngine,
  testHttpServer,
  waitUntil,
} from '../testing/engine.ts';
import { addStepJobs } from './queue.ts';

/*
 * Nothing creates scoped steps yet (loops come with flow.loop): this test queues two iterations
 * of one node by hand, next to its top-level step, to prove the engine keeps them apart.
 *
 *   Start ──▶ Call          Call runs at the top (held open by the server until the end), and
 *                           in scopes "0" and "1"; scope "1" fails once with a 500.
 */
const graph = (url: string): Graph => ({
  nodes: [node('start', 'trigger.manual', 'Start'), node('call', 'action.http', 'Call', { url })],
  edges: [edge('start', 'call')],
});

let release: (() => void) | undefined;
const failuresByKey = new Map<string, number>();
function answer(request: RecordedRequest, response: ServerResponse) {
  const key = String(request.headers['idempotency-key']);
  const reply = (status: number) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ key }));
  };
  if (!key.includes(':call:')) {
    release = () => reply(200);
    return;
  }
  const failures = failuresByKey.get(key) ?? 0;
  if (key.endsWith(':1') && failures === 0) {
    failuresByKey.set(key, 1);
    reply(500);
    return;
  }
  reply(200);
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

describe('two scopes of one node', () => {
  it('are claimed, stored and retried apart, each with its own idempotency key, and the run waits for both', async () => {
    const started = await engine.run(graph(`${http.url}/call`));
    await waitUntil('the top-level call is in flight', () => release !== undefined, 10_000);
    await addStepJobs(engine.pgPool, [
      { executionId: started.id, nodeId: 'call', scope: '0', attempt: 1 },
      { executionId: started.id, nodeId: 'call', scope: '1', attempt: 1 },
    ]);
    await waitUntil(
      'scope 1 failed once and was retried',
      () => stepRunsNow(engine.store, started.id).some((step) => step.scope === '1' && step.attempt === 2),
      10_000,
    );
    release?.();
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const calls = steps
      .filter((step) => step.nodeId === 'call')
      .map((step) => [step.scope, step.attempt, step.status, step.retryAt !== null])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
    expect(calls).toEqual([
      ['', 1, 'succeeded', false],
      ['0', 1, 'succeeded', false],
      ['1', 1, 'failed', true],
      ['1', 2, 'succeeded', false],
    ]);
    // Each iteration reads its parent (the trigger) at the top, and says which iteration it is.
    for (const step of steps.filter((each) => each.nodeId === 'call' && each.status === 'succeeded')) {
      const suffix = step.scope === '' ? '' : `:${step.scope}`;
      expect(step.output).toMatchObject({ body: { key: `${started.id}:call${suffix}` } });
    }
    expect(http.requests.map((request) => request.headers['idempotency-key']).sort()).toEqual(
      [`${started.id}:call`, `${started.id}:call:0`, `${started.id}:call:1`, `${started.id}:call:1`].sort(),
    );
  });
});
