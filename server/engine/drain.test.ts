import type { ChildProcess } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/engine/testing/memory-ports.ts';
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
import { startWorker } from './worker.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let slow: Awaited<ReturnType<typeof testHttpServer>>;
let stuck: Awaited<ReturnType<typeof testHttpServer>>;
/** When `slow` answered its last request. */
let slowAnsweredAt = 0;
/** Requests `stuck` holds until the test lets them go. */
const held: ServerResponse[] = [];
const workers: ChildProcess[] = [];

type Worker = Awaited<ReturnType<typeof spawnWorkerProcess>>;

/** A worker process with a drain grace of `graceSeconds` (WORKER_DRAIN_SECONDS). */
async function spawnWorker(graceSeconds: number): Promise<Worker> {
  const child = await spawnWorkerProcess(engine, 4, { WORKER_DRAIN_SECONDS: String(graceSeconds) });
  workers.push(child);
  return child;
}

/** Sends SIGTERM and answers the exit code and when the process exited. */
async function terminate(child: Worker): Promise<{ code: number | null; exitedAt: number }> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  return { code, exitedAt: Date.now() };
}

/** Lets the requests `stuck` holds go, answered. */
function answerHeld(): void {
  for (const response of held.splice(0)) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"done":true}');
  }
}

beforeAll(async () => {
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
    // A grace far longer than the 1 s call, so it ends inside it on any machine.
    const first = await spawnWorker(60);
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

    const second = await spawnWorker(60);
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
    // The call is never answered while the first worker lives: any grace runs out; a short one is quick.
    const first = await spawnWorker(1);
    const started = await engine.run(graph(`${stuck.url}/stuck`));
    await waitUntil('the call is running', () => callOf(started.id).some((step) => step.status === 'running'));
    expect(pidOf(callOf(started.id)[0]?.workerId)).toBe(String(first.pid));
    const second = await spawnWorker(1);

    const stopped = await terminate(first);
    expect(stopped.code, first.output()).toBe(0);
    expect(first.output()).toContain('released the steps still running');
    // Due at once, not after graphile-worker's backoff (whether or not the second worker has it yet).
    const { rows: due } = await engine.pgPool.query(
      'select run_at <= now() as due from graphile_worker.jobs where key = $1',
      [stepJobKey({ executionId: started.id, nodeId: 'call', scope: '', attempt: 1 })],
    );
    expect(due).toEqual([{ due: true }]);

    // The second worker takes the same attempt over (its request, too, is held), and the queue
    // attempt the first worker used was given back.
    await waitUntil(
      'the second worker runs the call',
      () => stuck.requests.length === 2 && pidOf(callOf(started.id)[0]?.workerId) === String(second.pid),
    );
    const { rows } = await engine.pgPool.query('select attempts, last_error from graphile_worker.jobs where key = $1', [
      stepJobKey({ executionId: started.id, nodeId: 'call', scope: '', attempt: 1 }),
    ]);
    expect(rows).toEqual([{ attempts: 1, last_error: expect.stringContaining('released') }]);
    expect(callOf(started.id).map((step) => [step.attempt, step.status])).toEqual([[1, 'running']]);

    answerHeld();
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

describe('the drain grace, on the engine’s clock', () => {
  it('keeps a running step for exactly the grace, then releases it for another worker', async () => {
    const GRACE_MS = 60_000;
    const clock = new ManualClock(new Date().toISOString());
    // Not one of the engine's workers: this test stops it, the engine's close would stop it again.
    const first = await startWorker({
      store: engine.store,
      pgPool: engine.pgPool,
      log: engine.log,
      concurrency: 4,
      pollIntervalMs: 100,
      masterKey: engine.masterKey,
      clock,
      drainMs: GRACE_MS,
    });
    const started = await engine.run(graph(`${stuck.url}/in-process`));
    await waitUntil('the call is running', () => callOf(started.id).some((step) => step.status === 'running'));
    const byFirst = callOf(started.id)[0]?.workerId;

    let stopped = false;
    const stopping = first.stop().then(() => {
      stopped = true;
    });
    const later = (ms: number) => clock.advanceTo(new Date(clock.nowMs() + ms).toISOString());
    // Nothing but the clock ends the grace: a moment of real time changes nothing.
    later(GRACE_MS - 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);
    expect(callOf(started.id).map((step) => [step.status, step.workerId])).toEqual([['running', byFirst]]);

    later(1);
    await stopping;
    // Released, not failed: the claim stays running for whoever takes the job next.
    expect(callOf(started.id).map((step) => [step.status, step.workerId])).toEqual([['running', byFirst]]);
    const second = await engine.startWorker();
    const calls = () => stuck.requests.filter((request) => request.url === '/in-process').length;
    await waitUntil(
      'another worker makes the call',
      () => callOf(started.id)[0]?.workerId === second.workerId && calls() === 2,
    );
    answerHeld();
    const { execution } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(callOf(started.id).map((step) => [step.attempt, step.status])).toEqual([[1, 'succeeded']]);
  });
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
