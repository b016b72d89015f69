import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph.ts';
import { byNode, edge, node, stepRunsNow, testEngine, testHttpServer, waitUntil } from '../testing/engine.ts';
import { cancelRun } from './runs.ts';

/**
 * Issue 13 item 4, "one run cannot take every slot": a cancel frees its run's slots at once.
 * `/never` answers nothing, ever, and counts the requests whose connection its caller dropped.
 */
let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
let dropped = 0;
beforeAll(async () => {
  // One slot: while a step holds it, nothing else runs.
  engine = await testEngine({ concurrency: 1 });
  await engine.startWorker();
  http = await testHttpServer((request, response) => {
    if (request.url === '/never') {
      response.on('close', () => {
        if (!response.writableEnded) dropped++;
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

//  Start ──▶ Call (never answers) ──▶ After
const endlessCall = (): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { method: 'GET', url: `${http.url}/never` }),
    node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }] }),
  ],
  edges: [edge('start', 'call'), edge('call', 'after')],
});

//  Start ──▶ Loop (a script that never returns, 30 s limit)
const endlessScript = (): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('loop', 'transform.script', 'Loop', { code: 'for (;;) {}', timeoutMs: 30_000 }),
  ],
  edges: [edge('start', 'loop')],
});

//  Start ──▶ Quick
const quick = (): Graph => ({
  nodes: [node('start', 'trigger.manual', 'Start'), node('quick', 'transform.set', 'Quick', { fields: [] })],
  edges: [edge('start', 'quick')],
});

describe('cancel', () => {
  it('aborts an HTTP call in flight: the server sees it dropped and the slot is free at once', async () => {
    const stuck = await engine.run(endlessCall());
    await waitUntil('the call reached the server', () => http.requests.some((request) => request.url === '/never'));
    expect(await cancelRun(engine.runs, stuck.id)).toBe(true);
    const canceledAt = Date.now();
    const next = await engine.run(quick());
    const { execution } = await engine.finished(next.id, 5000);
    expect(execution.status).toBe('succeeded');
    expect(Date.now() - canceledAt).toBeLessThan(1500);
    await waitUntil('the server saw the request dropped', () => dropped === 1, 2000);
    // The aborted step is neither failed nor retried, and nothing after it ran.
    const { execution: canceled, steps } = await engine.finished(stuck.id);
    expect(canceled.status).toBe('canceled');
    expect(byNode(steps).call).toMatchObject({ status: 'canceled', attempt: 1 });
    expect(byNode(steps).after).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stepRunsNow(engine.store, stuck.id).filter((step) => step.nodeId === 'call')).toHaveLength(1);
    const { rows } = await engine.pgPool.query('select key from graphile_worker.jobs where key like $1', [
      `step:${stuck.id}:%`,
    ]);
    expect(rows).toEqual([]);
  });

  it('stops a script that never returns', async () => {
    const stuck = await engine.run(endlessScript());
    await waitUntil('the script is running', () =>
      stepRunsNow(engine.store, stuck.id).some((step) => step.nodeId === 'start' && step.status === 'succeeded'),
    );
    // Inside the script now (a pure step is recorded when it ends).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await cancelRun(engine.runs, stuck.id)).toBe(true);
    const canceledAt = Date.now();
    const next = await engine.run(quick());
    expect((await engine.finished(next.id, 5000)).execution.status).toBe('succeeded');
    expect(Date.now() - canceledAt).toBeLessThan(1500);
    const { execution, steps } = await engine.finished(stuck.id);
    expect(execution.status).toBe('canceled');
    expect(byNode(steps).loop).toBeUndefined();
  });
});
