import type { ChildProcess } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import {
  edge,
  executionNow,
  node,
  spawnWorkerProcess,
  stepRunsNow,
  testEngine,
  testHttpServer,
  waitUntil,
} from '../testing/engine.ts';
import { StepReleased, untilReleased } from './drain.ts';
import { stepJobKey } from './queue.ts';

/** Short, so the test is quick; the slow call below ends well inside it. */
const GRACE_SECONDS = 2;

let engine: Awaited<ReturnType<typeof testEngine>>;
let slow: Awaited<ReturnType<typeof testHttpServer>>;
let stuck: Awaited<ReturnType<typeof testHttpServer>>;
/** When `slow` answered its last request. */
let slowAnsweredAt = 0;
/** Requests `stuck` holds until the test lets them go. */
const held: ServerResponse[] = [];
const workers: ChildProcess[] = [];
const drainBefore = process.env.WORKER_DRAIN_SECONDS;

type Worker = Awaited<ReturnType<typeof spawnWorkerProcess>>;

async function spawnWorker(): Promise<Worker> {
  const child = await spawnWorkerProcess(engine);
  workers.push(child);
  return child;
}

/** Sends SIGTERM and answers the exit code and how long the process took to exit. */
async function terminate(child: Worker): Promise<{ code: number | null; tookMs: number; exitedAt: number }> {
  const sentAt = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  const exitedAt = Date.now();
  return { code, tookMs: exitedAt - sentAt, exitedAt };
}

beforeAll(async () => {
  // Spawned workers inherit the environment: this is how they get the short grace.
  process.env.WORKER_DRAIN_SECONDS = String(GRACE_SECONDS);
  engine = await testEngine();
  slow = await testHttpServer((_, response) => {
    setTimeout(() => {
      slowAnsweredAt = Date.now();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"done":true}');
    }, 1000);
  });
  stuck = await testHttpServer((_, response) => {
    held.push(response);
  });
});

afterAll(async () => {
  if (drainBefore === undefined) delete process.env.WORKER_DRAIN_SECONDS;
  else process.env.WORKER_DRAIN_SECONDS = drainBefore;
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await engine?.close();
  await slow?.close();
  await stuck?.close();
});

/**
 *   Start ──▶ Call (`url`) ──▶ Done
 */
const graph = (url: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { url, timeoutMs: 20_000 }),
    node('done', 'transform.set', 'Done', { fields: [{ path: 'finished', value: 'yes' }] }),
  ],
  edges: [edge('start', 'call'), edge('call', 'done')],
});

const callOf = (executionId: string) => stepRunsNow(engine.store, executionId).filter((step) => step.nodeId === 'call');
const pidOf = (workerId: string | null | undefined) => workerId?.split(':')[1];

describe('a worker sent SIGTERM', () => {
  it('lets a running step finish within the grace, takes no new step, and exits 0', async () => {
    const first = await spawnWorker();
    const started = await engine.run(graph(`${slow.url}/slow`));
    await waitUntil('the call is running', () => callOf(started.id).some((step) => step.status === 'running'));

    const stopped = await terminate(first);
    expect(stopped.code, first.output()).toBe(0);
    // It waited for the answer, and stored it before leaving.
    expect(stopped.exitedAt).toBeGreaterThanOrEqual(slowAnsweredAt);
    expect(slowAnsweredAt).toBeGreaterThan(0);
    expect(callOf(started.id).map((step) => [step.attempt, step.status, pidOf(step.workerId)])).toEqual([
      [1, 'succeeded', String(first.pid)],
    ]);
    // The next step was queued, not taken by the stopping worker.
    expect(executionNow(engine.store, started.id)?.status).toBe('running');
    expect(stepRunsNow(engine.store, started.id).some((step) => step.nodeId === 'done')).toBe(false);

    const second = await spawnWorker();
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(steps.map((step) => [step.nodeId, step.attempt, step.status])).toEqual([
      ['start', 1, 'succeeded'],
      ['call', 1, 'succeeded'],
      ['done', 1, 'succeeded'],
    ]);
    expect(pidOf(steps.find((step) => step.nodeId === 'done')?.workerId)).toBe(String(second.pid));
    expect(slow.requests).toHaveLength(1);
    expect((await terminate(second)).code).toBe(0);
  }, 30_000);

  it('releases a step still running after the grace: not failed, taken over at once by another worker', async () => {
    const first = await spawnWorker();
    const started = await engine.run(graph(`${stuck.url}/stuck`));
    await waitUntil('the call is running', () => callOf(started.id).some((step) => step.status === 'running'));
    expect(pidOf(callOf(started.id)[0]?.workerId)).toBe(String(first.pid));
    const second = await spawnWorker();

    const stopped = await terminate(first);
    expect(stopped.code, first.output()).toBe(0);
    expect(stopped.tookMs).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 100);
    expect(stopped.tookMs).toBeLessThan(GRACE_SECONDS * 1000 + 3000);
    expect(first.output()).toContain('released the steps still running');

    // The second worker takes the same attempt over (its request, too, is held), well before
    // graphile-worker's backoff, and the queue attempt the first worker used was given back.
    await waitUntil(
      'the second worker runs the call',
      () => stuck.requests.length === 2 && pidOf(callOf(started.id)[0]?.workerId) === String(second.pid),
      5000,
    );
    expect(Date.now() - stopped.exitedAt).toBeLessThan(2500);
    const { rows } = await engine.pgPool.query('select attempts, last_error from graphile_worker.jobs where key = $1', [
      stepJobKey({ executionId: started.id, nodeId: 'call', scope: '', attempt: 1 }),
    ]);
    expect(rows).toEqual([{ attempts: 1, last_error: expect.stringContaining('released') }]);
    expect(callOf(started.id).map((step) => [step.attempt, step.status])).toEqual([[1, 'running']]);

    for (const response of held.splice(0)) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"done":true}');
    }
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    // One attempt of the call, stored once, by the worker that took it over; no failure recorded.
    expect(steps.map((step) => [step.nodeId, step.attempt, step.status])).toEqual([
      ['start', 1, 'succeeded'],
      ['call', 1, 'succeeded'],
      ['done', 1, 'succeeded'],
    ]);
    expect(pidOf(steps.find((step) => step.nodeId === 'call')?.workerId)).toBe(String(second.pid));
    // Both requests carry the step's idempotency key: the receiver can tell the repeat.
    expect(new Set(stuck.requests.map((request) => request.headers['idempotency-key']))).toEqual(
      new Set([`${started.id}:call`]),
    );
    expect((await terminate(second)).code).toBe(0);
  }, 40_000);
});

describe('untilReleased', () => {
  it('releases a step whose node ignores its signal, when the grace is over', async () => {
    const stop = new AbortController();
    const ignoring = untilReleased(stop.signal, () => new Promise<string>(() => undefined));
    stop.abort();
    await expect(ignoring).rejects.toBeInstanceOf(StepReleased);
  });

  it('does not start a node once the grace is over, and passes results through before it', async () => {
    const stop = new AbortController();
    await expect(untilReleased(stop.signal, async () => 'done')).resolves.toBe('done');
    stop.abort();
    let started = false;
    await expect(
      untilReleased(stop.signal, async () => {
        started = true;
      }),
    ).rejects.toBeInstanceOf(StepReleased);
    expect(started).toBe(false);
  });
});
