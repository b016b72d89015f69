import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, stepRunsNow, testEngine, testHttpServer, waitUntil } from '../testing/engine.ts';
import { cancelRun, startRun } from './runs.ts';

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
    if (request.url.startsWith('/never')) {
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
    // The longest timeout there is: only a cancel can free its slot within the test.
    node('call', 'action.http', 'Call', { method: 'GET', url: `${http.url}/never`, timeoutMs: 300_000 }),
    node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }] }),
  ],
  edges: [edge('start', 'call'), edge('call', 'after')],
});

//  Start ──▶ Loop (a script that never returns, 30 s limit: longer than the test waits for anything)
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
    // The worker's one slot was held by a call that would never end by itself: the next run
    // finishing at all shows the cancel freed it.
    const next = await engine.run(quick());
    const { execution } = await engine.finished(next.id);
    expect(execution.status).toBe('succeeded');
    await waitUntil('the server saw the request dropped', () => dropped === 1);
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
    // The script's limit (30 s) is past what `finished` waits for (15 s): only the cancel frees the slot.
    const next = await engine.run(quick());
    expect((await engine.finished(next.id)).execution.status).toBe('succeeded');
    const { execution, steps } = await engine.finished(stuck.id);
    expect(execution.status).toBe('canceled');
    expect(byNode(steps).loop).toBeUndefined();
  });
});

//  Start ──┬──▶ Call 0 (never answers)
//          ├──▶ …
//          └──▶ Call 9
const fanOut = (url: string, width: number): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    ...Array.from({ length: width }, (_, i) =>
      node(`call${i}`, 'action.http', `Call ${i}`, { method: 'GET', url: `${url}?call=${i}`, timeoutMs: 300_000 }),
    ),
  ],
  edges: Array.from({ length: width }, (_, i) => edge('start', `call${i}`)),
});

describe('slots per run', () => {
  it('runs at most 4 steps of one run at once: a fan-out to 10 hung calls leaves slots for another run', async () => {
    const wide = await testEngine({ concurrency: 10 });
    try {
      await wide.startWorker();
      const hung = () => http.requests.filter((request) => request.url.startsWith('/never?call=')).length;
      const stuck = await wide.run(fanOut(`${http.url}/never`, 10));
      await waitUntil('4 calls are in flight', () => hung() === 4);
      const next = await wide.run(quick());
      expect((await wide.finished(next.id)).execution.status).toBe('succeeded');
      // The others wait, deferred: not failed, not started, and their queue attempts given back.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(hung()).toBe(4);
      const steps = stepRunsNow(wide.store, stuck.id);
      expect(steps.filter((step) => step.status === 'running')).toHaveLength(4);
      expect(steps.filter((step) => step.status === 'failed')).toHaveLength(0);
      const { rows } = await wide.pgPool.query<{ attempts: number }>(
        'select attempts from graphile_worker.jobs where key like $1 and locked_at is null',
        [`step:${stuck.id}:%`],
      );
      expect(rows).toHaveLength(6);
      for (const row of rows) expect(row.attempts).toBe(0);
      // Canceling frees them all; the deferred jobs go with the run.
      expect(await cancelRun(wide.runs, stuck.id)).toBe(true);
      expect((await wide.finished(stuck.id)).execution.status).toBe('canceled');
    } finally {
      await wide.close();
    }
  });
});

describe('slots of test runs', () => {
  it("lets test runs take at most half of a worker's slots", async () => {
    const small = await testEngine({ concurrency: 4 });
    try {
      await small.startWorker();
      const inFlight = (path: string) => http.requests.filter((request) => request.url.startsWith(path)).length;
      // A draft's test run, fanned out to 4 hung calls: 2 run, the others wait.
      const { workflow } = small.workflow(quick());
      const draft = await startRun(small.runs, {
        workflowId: workflow.id,
        versionId: null,
        graph: fanOut(`${http.url}/never/draft`, 4),
        trigger: 'test',
        payload: {},
      });
      await waitUntil('2 draft calls are in flight', () => inFlight('/never/draft') === 2);
      // Published work still has the other half.
      const live = await small.run(fanOut(`${http.url}/never/live`, 2));
      await waitUntil('2 published calls are in flight', () => inFlight('/never/live') === 2);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(inFlight('/never/draft')).toBe(2);
      expect(stepRunsNow(small.store, draft.id).filter((step) => step.status === 'failed')).toHaveLength(0);
      // Once the test run is gone, its place is free again.
      expect(await cancelRun(small.runs, draft.id)).toBe(true);
      expect(await cancelRun(small.runs, live.id)).toBe(true);
      const next = await small.run(quick());
      expect((await small.finished(next.id)).execution.status).toBe('succeeded');
    } finally {
      await small.close();
    }
  });
});
