import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import {
  byNode,
  edge,
  executionNow,
  node,
  stepRunsNow,
  testEngine,
  testHttpServer,
  waitUntil,
} from '../testing/engine.ts';
import { cancelRun } from './runs.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  // `/slow` answers after 600 ms, long enough to cancel a run while its step is in flight;
  // `/broken` answers 500 at once, so its step waits for a retry.
  http = await testHttpServer((request, response) => {
    if (request.url === '/broken') {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('broken');
      return;
    }
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"late":true}');
    }, 600);
  });
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

const isSlow = (request: { url: string }) => request.url === '/slow';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jobs in the queue for one execution, as graphile-worker 0.18 shows them (the `jobs` view). */
async function queuedJobs(executionId?: string) {
  const { rows } = await engine.pgPool.query<{ key: string; run_at: Date; locked_at: Date | null }>(
    'select key, run_at, locked_at from graphile_worker.jobs where $1::text is null or key like $2 order by id',
    [executionId ?? null, `step:${executionId}:%`],
  );
  return rows;
}

//  Start ──▶ Wait (amount) ──▶ After
const delayed = (amount: number, unit: 'seconds' | 'minutes'): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('wait', 'flow.delay', 'Wait', { amount, unit }),
    node('after', 'transform.set', 'After', { fields: [{ path: 'waited', value: 'yes' }] }),
  ],
  edges: [edge('start', 'wait'), edge('wait', 'after')],
});

describe('delay', () => {
  it('starts the next step no earlier than the delay asks, and the run succeeds', async () => {
    const started = await engine.run(delayed(1, 'seconds'), { order: 7 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    const wait = nodes.wait;
    const after = nodes.after;
    expect(wait).toMatchObject({ status: 'succeeded', output: { order: 7 } });
    expect(wait?.continueAt).not.toBeNull();
    // The next step is due one second after the moment the delay step ran (which lies within its
    // attempt), and starts no earlier. That the delay schedules rather than sleeps is shown by the
    // cancel below (a job in the future, held by no worker); exact times from a stopped clock are
    // in step-execute.test.ts.
    const continueAt = Date.parse(wait?.continueAt as string);
    expect(continueAt - 1000).toBeGreaterThanOrEqual(Date.parse(wait?.startedAt as string));
    expect(continueAt - 1000).toBeLessThanOrEqual(Date.parse(wait?.finishedAt as string));
    expect(Date.parse(after?.startedAt as string)).toBeGreaterThanOrEqual(continueAt);
    expect(after).toMatchObject({ status: 'succeeded', input: { order: 7 }, output: { order: 7, waited: 'yes' } });
  });
});

describe('cancel', () => {
  it('cancels a run waiting on a delay: the queued step is removed and never runs', async () => {
    const started = await engine.run(delayed(1, 'minutes'));
    const afterKey = `step:${started.id}:after:1`;
    await waitUntil('the step after the delay is queued', async () =>
      (await queuedJobs(started.id)).some((job) => job.key === afterKey),
    );
    const wait = byNode(stepRunsNow(engine.store, started.id)).wait;
    expect(wait?.status).toBe('succeeded');
    // A scheduled job in the future, held by no worker.
    const job = (await queuedJobs(started.id)).find((queued) => queued.key === afterKey);
    expect(job?.locked_at).toBeNull();
    expect(job?.run_at.getTime()).toBe(Date.parse(wait?.continueAt as string));
    expect(executionNow(engine.store, started.id)?.status).toBe('running');

    expect(await cancelRun(engine.runs, started.id)).toBe(true);
    const canceled = executionNow(engine.store, started.id);
    expect(canceled?.status).toBe('canceled');
    expect(canceled?.finishedAt).not.toBeNull();
    // The delay step's own job may take a moment to be marked complete; nothing else may stay.
    await waitUntil('the queue is empty', async () => (await queuedJobs()).length === 0);
    const { rows } = await engine.pgPool.query<{ n: number }>('select count(*)::int as n from graphile_worker.jobs');
    expect(rows[0]?.n).toBe(0);

    await sleep(1500);
    const steps = stepRunsNow(engine.store, started.id);
    expect(steps.map((step) => [step.nodeId, step.status])).toEqual([
      ['start', 'succeeded'],
      ['wait', 'succeeded'],
    ]);
    expect(executionNow(engine.store, started.id)?.status).toBe('canceled');
    // Canceling again changes nothing.
    expect(await cancelRun(engine.runs, started.id)).toBe(false);
  });

  it('cancels a run while a step is in flight: its late result is not stored and nothing follows', async () => {
    //  Start ──▶ Slow (http, answers after 600 ms) ──▶ After
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('slow', 'action.http', 'Slow', { url: `${http.url}/slow` }),
        node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }] }),
      ],
      edges: [edge('start', 'slow'), edge('slow', 'after')],
    };
    const started = await engine.run(graph);
    await waitUntil('the slow step is running', () =>
      stepRunsNow(engine.store, started.id).some((step) => step.nodeId === 'slow' && step.status === 'running'),
    );
    expect(await cancelRun(engine.runs, started.id)).toBe(true);
    expect(executionNow(engine.store, started.id)?.status).toBe('canceled');
    await waitUntil('the slow request was answered', () => http.requests.filter(isSlow).length === 1);
    await sleep(800);
    const steps = stepRunsNow(engine.store, started.id);
    expect(steps.map((step) => [step.nodeId, step.status])).toEqual([
      ['start', 'succeeded'],
      ['slow', 'canceled'],
    ]);
    expect(byNode(steps).slow?.output).toBeNull();
    expect(executionNow(engine.store, started.id)?.status).toBe('canceled');
    expect(await queuedJobs(started.id)).toEqual([]);
  });

  it('cancels a run whose step waits for a retry: the retry is dropped and never runs', async () => {
    //  Start ──▶ Broken (http, 500: retried after about 1 s) ──▶ After
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('broken', 'action.http', 'Broken', { url: `${http.url}/broken` }),
        node('after', 'transform.set', 'After', { fields: [{ path: 'done', value: 'yes' }] }),
      ],
      edges: [edge('start', 'broken'), edge('broken', 'after')],
    };
    const started = await engine.run(graph);
    const retryKey = `step:${started.id}:broken:2`;
    await waitUntil('the retry is queued', async () =>
      (await queuedJobs(started.id)).some((job) => job.key === retryKey),
    );
    const first = stepRunsNow(engine.store, started.id).find((step) => step.nodeId === 'broken');
    expect(first).toMatchObject({ attempt: 1, status: 'failed' });
    expect(first?.retryAt).not.toBeNull();

    expect(await cancelRun(engine.runs, started.id)).toBe(true);
    await waitUntil('the queue is empty', async () => (await queuedJobs(started.id)).length === 0);
    await sleep(Math.max(0, Date.parse(first?.retryAt as string) - Date.now()) + 500);
    expect(http.requests.filter((request) => request.url === '/broken')).toHaveLength(1);
    expect(stepRunsNow(engine.store, started.id).map((step) => [step.nodeId, step.attempt, step.status])).toEqual([
      ['start', 1, 'succeeded'],
      ['broken', 1, 'failed'],
    ]);
    expect(executionNow(engine.store, started.id)?.status).toBe('canceled');
    // No row claims a retry is still coming.
    expect(stepRunsNow(engine.store, started.id).find((step) => step.nodeId === 'broken')?.retryAt).toBeNull();
  });

  it('does not cancel a run that has ended', async () => {
    const started = await engine.run(delayed(1, 'seconds'));
    await engine.finished(started.id);
    expect(await cancelRun(engine.runs, started.id)).toBe(false);
    expect(executionNow(engine.store, started.id)?.status).toBe('succeeded');
    expect(await cancelRun(engine.runs, 'no-such-execution')).toBe(false);
  });
});
