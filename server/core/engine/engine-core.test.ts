import { describe, expect, it } from 'vitest';
import { graphOf } from './ascii-graph.ts';
import { type MemoryEngine, memoryEngine } from './testing/memory-engine.ts';
import type { Script } from './testing/memory-ports.ts';

/*
 * Whole runs, start to end, through the real step runner and run service on the in-memory ports:
 * no PostgreSQL, SQLite or isolate. Graphs are drawn as in ascii-graph.ts; nodes answer what the
 * script says per attempt (memory-ports.ts: `ok`, `ok:<port>`, `fail`, `fail!`, `crash`); the end
 * is the run's status and each step's latest state (`ok:true`, `skipped`, `ok attempt 2`, …).
 * `action.http` retries up to 4 attempts; transforms and conditions do not retry.
 */

const run = async (drawing: string, script: Script = {}) => {
  const engine = memoryEngine(script);
  const id = await engine.start(graphOf(drawing));
  await engine.runJobs();
  return { engine, id, ...(await engine.outcome(id)) };
};

/** Jobs the queue ran (a chain of pure steps runs in the job that reached it). */
const jobsRun = (engine: MemoryEngine) => engine.crashes.length + (engine.metrics.counts.steps ?? 0) - inline(engine);
const inline = (engine: MemoryEngine) => engine.metrics.counts.inlineSteps ?? 0;

const LINEAR = `
  start: trigger.manual
  a: transform.set
  b: transform.script
  start -> a -> b
`;

const BRANCH = `
  start: trigger.manual
  check: condition.if
  yes: transform.set
  after: transform.set
  no: transform.set
  start -> check
  check.true -> yes -> after
  check.false -> no
`;

const SWITCH = `
  start: trigger.manual
  route: condition.switch
  a: transform.set
  b: transform.set
  other: transform.set
  start -> route
  route.a -> a
  route.b -> b
  route.default -> other
`;

const MERGE_ALL = `
  start: trigger.manual
  left: transform.set
  right: action.http
  join: flow.merge
  start -> left -> join
  start -> right -> join
`;

const MERGE_ONE_SKIPPED = `
  start: trigger.manual
  check: condition.if
  left: transform.set
  right: transform.set
  join: flow.merge
  start -> check
  check.true -> left -> join
  check.false -> right -> join
`;

const CALL = `
  start: trigger.manual
  call: action.http
  after: transform.set
  start -> call -> after
`;

describe('whole runs on the in-memory ports', () => {
  it.each<[what: string, drawing: string, script: Script, status: string, steps: Record<string, string>]>([
    ['linear', LINEAR, {}, 'succeeded', { start: 'ok', a: 'ok', b: 'ok' }],
    [
      'branch, true taken: the false side is skipped',
      BRANCH,
      { check: 'ok:true' },
      'succeeded',
      { start: 'ok', check: 'ok:true', no: 'skipped', yes: 'ok', after: 'ok' },
    ],
    [
      'branch, false taken: skips propagate down the side not taken',
      BRANCH,
      { check: 'ok:false' },
      'succeeded',
      { start: 'ok', check: 'ok:false', yes: 'skipped', after: 'skipped', no: 'ok' },
    ],
    [
      'switch: one case runs, the others are skipped',
      SWITCH,
      { route: 'ok:b' },
      'succeeded',
      { start: 'ok', route: 'ok:b', a: 'skipped', other: 'skipped', b: 'ok' },
    ],
    [
      'switch: no case matches, the default runs',
      SWITCH,
      { route: 'ok:default' },
      'succeeded',
      { start: 'ok', route: 'ok:default', a: 'skipped', b: 'skipped', other: 'ok' },
    ],
    [
      'merge waits for all its parents',
      MERGE_ALL,
      {},
      'succeeded',
      { start: 'ok', left: 'ok', right: 'ok', join: 'ok' },
    ],
    [
      'merge runs with one parent skipped',
      MERGE_ONE_SKIPPED,
      { check: 'ok:true' },
      'succeeded',
      { start: 'ok', check: 'ok:true', right: 'skipped', left: 'ok', join: 'ok' },
    ],
    [
      'a failing action retried, then succeeding',
      CALL,
      { call: 'fail, fail, ok' },
      'succeeded',
      { start: 'ok', call: 'ok attempt 3', after: 'ok' },
    ],
    [
      'an action failing every attempt fails the run',
      CALL,
      { call: 'fail' },
      'failed',
      { start: 'ok', call: 'failed attempt 4' },
    ],
    [
      'a non-retryable failure fails the run at once',
      CALL,
      { call: 'fail!' },
      'failed',
      { start: 'ok', call: 'failed' },
    ],
    ['a pure step does not retry', LINEAR, { a: 'fail' }, 'failed', { start: 'ok', a: 'failed' }],
    [
      'a branch failing fails the run; the other branch, queued, then does nothing',
      MERGE_ALL,
      { left: 'fail' },
      'failed',
      { start: 'ok', left: 'failed' },
    ],
  ])('%s', async (_what, drawing, script, status, steps) => {
    const { status: ended, steps: stored } = await run(drawing, script);
    expect(ended).toBe(status);
    expect(stored).toEqual(steps);
  });

  it('runs pure steps inline: one job for the trigger and one per action', async () => {
    const linear = await run(LINEAR);
    expect(linear.engine.executor.calls).toEqual(['start', 'a', 'b']);
    expect(inline(linear.engine)).toBe(2);
    expect(jobsRun(linear.engine)).toBe(1);

    const call = await run(CALL, { call: 'fail, ok' });
    expect(call.engine.executor.calls).toEqual(['start', 'call', 'call attempt 2', 'after']);
    // start (ran nothing inline), call, call attempt 2 (ran `after` inline)
    expect(jobsRun(call.engine)).toBe(3);
    expect(inline(call.engine)).toBe(1);
  });

  it('gives a merge the outputs of its live parents, keyed by name', async () => {
    const all = await run(MERGE_ALL);
    const join = all.engine.store.rows(all.id).find((row) => row.nodeId === 'join');
    expect(join?.input).toEqual({ Left: { start: 1, left: 1 }, Right: { start: 1, right: 1 } });
    const one = await run(MERGE_ONE_SKIPPED, { check: 'ok:true' });
    expect(one.engine.store.rows(one.id).find((row) => row.nodeId === 'join')?.input).toEqual({
      Left: { start: 1, check: 1, left: 1 },
    });
  });

  it('publishes each step and the run end, in order', async () => {
    const { engine, id } = await run(BRANCH, { check: 'ok:false' });
    expect(
      engine.events.published.map((event) =>
        event.type === 'run' ? `run ${event.status}` : `${event.nodeId} ${event.status}`,
      ),
    ).toEqual([
      'run queued',
      'start succeeded',
      'check succeeded',
      'yes skipped',
      'after skipped',
      'no succeeded',
      'run succeeded',
    ]);
    expect(engine.events.published.every((event) => event.executionId === id)).toBe(true);
  });
});

describe('scoped steps', () => {
  /*
   *   start ──▶ call        call runs at the top and, queued by hand (nothing creates scopes
   *                         yet), in scopes "0" and "1"; scope "1" fails once.
   */
  const SCOPED = `
    start: trigger.manual
    call: action.http
    start -> call
  `;

  const startScoped = async (engine: MemoryEngine) => {
    const id = await engine.start(graphOf(SCOPED));
    await engine.runJob(engine.jobOf('start')); // queues the top-level call
    await engine.queue.add([
      { executionId: id, nodeId: 'call', scope: '0', attempt: 1 },
      { executionId: id, nodeId: 'call', scope: '1', attempt: 1 },
    ]);
    return id;
  };

  it('are stored and retried apart, and the run waits for every scope', async () => {
    const engine = memoryEngine({ 'call#1': 'fail, ok' });
    const id = await startScoped(engine);
    await engine.runJob(engine.jobOf('call#0'));
    await engine.runJob(engine.jobOf('call#1'));
    // The top-level call ends while scope 1 waits for its retry: the run is not over.
    await engine.runJob(engine.jobOf('call'));
    expect(await engine.outcome(id)).toMatchObject({ status: 'running', steps: { call: 'ok', 'call#0': 'ok' } });
    await engine.runJobs();
    expect(await engine.outcome(id)).toEqual({
      status: 'succeeded',
      steps: { start: 'ok', call: 'ok', 'call#0': 'ok', 'call#1': 'ok attempt 2' },
    });
    expect(engine.executor.calls.sort()).toEqual(['call', 'call#0', 'call#1', 'call#1 attempt 2', 'start']);
  });

  it('are resumed apart: a crash leaves one scope running, and only that one runs again', async () => {
    const engine = memoryEngine({ 'call#1': 'crash, ok' });
    const id = await startScoped(engine);
    // Scope 1's worker dies mid-call, after its claim; then the queue loses every job.
    for (const name of ['call#0', 'call#1', 'call']) await engine.runJob(engine.jobOf(name));
    engine.queue.jobs.clear();
    expect((await engine.outcome(id)).steps).toEqual({ start: 'ok', call: 'ok', 'call#0': 'ok', 'call#1': 'running' });
    // Reconciling queues only what is unfinished: scope 1's running attempt, taken over by the new job.
    expect(await engine.reconcile()).toEqual({ executions: 1, jobs: 1 });
    await engine.runJobs();
    expect(await engine.outcome(id)).toEqual({
      status: 'succeeded',
      steps: { start: 'ok', call: 'ok', 'call#0': 'ok', 'call#1': 'ok' },
    });
    expect(engine.executor.calls.filter((call) => call.startsWith('call#0'))).toEqual(['call#0']);
    expect(engine.executor.calls.filter((call) => call.startsWith('call#1'))).toEqual(['call#1', 'call#1']);
    // The new job found the attempt claimed by a job the queue no longer has, and took it over.
    expect(engine.store.rows(id).find((row) => row.scope === '1')?.jobId).not.toBe(engine.crashes[0]);
  });
});

describe('cancel', () => {
  it('between steps of a chain: the next step never starts', async () => {
    const engine = memoryEngine();
    const id = await engine.start(graphOf(LINEAR));
    engine.store.onFinished = async ({ step }) => {
      if (step.nodeId === 'a') expect(await engine.cancel(id)).toBe(true);
    };
    await engine.runJobs();
    expect(await engine.outcome(id)).toEqual({ status: 'canceled', steps: { start: 'ok', a: 'ok' } });
    expect(engine.executor.calls).toEqual(['start', 'a']);
    expect(engine.queue.jobs.size).toBe(0);
    expect(await engine.cancel(id)).toBe(false);
  });

  it('while a pure step runs: its result is dropped and nothing more is stored', async () => {
    const engine = memoryEngine();
    const id = await engine.start(graphOf(LINEAR));
    engine.executor.onStart = async ({ step }) => {
      if (step.nodeId === 'a') expect(await engine.cancel(id)).toBe(true);
    };
    await engine.runJobs();
    expect(await engine.outcome(id)).toEqual({ status: 'canceled', steps: { start: 'ok' } });
    expect(engine.executor.calls).toEqual(['start', 'a']);
    expect(engine.metrics.counts.droppedResults).toBe(1);
  });

  it('after a step committed its successors but before they were queued: they are removed again', async () => {
    //   start ──▶ call (a job of its own), canceled between start's commit and its queueing
    const engine = memoryEngine();
    const id = await engine.start(graphOf(CALL));
    engine.store.onFinished = async ({ step }) => {
      if (step.nodeId === 'start') await engine.cancel(id);
    };
    await engine.runJob(engine.jobOf('start'));
    expect(engine.queue.jobs.size).toBe(0);
    expect(engine.executor.calls).toEqual(['start']);
    expect(await engine.outcome(id)).toEqual({ status: 'canceled', steps: { start: 'ok' } });
  });

  it('while an action runs: its late result is dropped and no successor is queued', async () => {
    const engine = memoryEngine();
    const id = await engine.start(graphOf(CALL));
    engine.executor.onStart = async ({ step }) => {
      if (step.nodeId === 'call') await engine.cancel(id);
    };
    await engine.runJobs();
    expect(await engine.outcome(id)).toEqual({ status: 'canceled', steps: { start: 'ok', call: 'canceled' } });
    expect(engine.executor.calls).toEqual(['start', 'call']);
    expect(engine.queue.jobs.size).toBe(0);
  });

  it('clears a scheduled retry', async () => {
    const engine = memoryEngine({ call: 'fail' });
    const id = await engine.start(graphOf(CALL));
    await engine.runJob(engine.jobOf('start'));
    await engine.runJob(engine.jobOf('call'));
    expect((await engine.outcome(id)).steps.call).toMatch(/^retrying@/);
    expect(await engine.cancel(id)).toBe(true);
    expect(engine.queue.jobs.size).toBe(0);
    expect(await engine.outcome(id)).toEqual({ status: 'canceled', steps: { start: 'ok', call: 'failed' } });
  });
});

describe('claims', () => {
  it('a duplicate job does not run a claimed action again while the claiming job exists', async () => {
    const engine = memoryEngine();
    const id = await engine.start(graphOf(CALL));
    await engine.runJob(engine.jobOf('start'));
    const callJob = engine.jobOf('call');
    let duplicateEnded = false;
    engine.executor.onStart = async ({ step }) => {
      if (step.nodeId !== 'call' || duplicateEnded) return;
      // While the call is in flight, a second job for the same attempt (no key: nothing merged it).
      const duplicate = engine.queue.addUnkeyed({ executionId: id, nodeId: 'call', scope: '', attempt: 1 });
      await engine.runJob(duplicate);
      duplicateEnded = true;
    };
    await engine.runJob(callJob);
    await engine.runJobs();
    expect(engine.executor.calls).toEqual(['start', 'call', 'after']);
    expect(engine.metrics.counts.claimConflicts).toBe(1);
    expect(await engine.outcome(id)).toEqual({ status: 'succeeded', steps: { start: 'ok', call: 'ok', after: 'ok' } });
  });

  it('the claiming job, run again after its worker died, takes its own attempt over', async () => {
    const engine = memoryEngine({ call: 'crash, ok' });
    const id = await engine.start(graphOf(CALL));
    await engine.runJobs();
    expect(engine.executor.calls).toEqual(['start', 'call', 'call', 'after']);
    expect(engine.crashes).toHaveLength(1);
    const call = engine.store.rows(id).find((row) => row.nodeId === 'call');
    expect(call).toMatchObject({ status: 'succeeded', attempt: 1, jobId: engine.crashes[0] });
  });

  it('duplicate jobs of a pure step store its result once', async () => {
    const engine = memoryEngine();
    const id = await engine.start(graphOf(LINEAR));
    await engine.runJobs();
    // Two more jobs for `a`, after the run ended and with it reopened: neither stores a second row.
    await engine.queue.add([{ executionId: id, nodeId: 'a', scope: '', attempt: 1 }]);
    engine.queue.addUnkeyed({ executionId: id, nodeId: 'a', scope: '', attempt: 1 });
    await engine.runJobs();
    expect(engine.store.rows(id).filter((row) => row.nodeId === 'a')).toHaveLength(1);
    expect(engine.executor.calls).toEqual(['start', 'a', 'b']);
  });
});

describe('steps due later', () => {
  it('get a job of their own, due when the delay ends, instead of running inline', async () => {
    //   start ──▶ wait (holds its successor back 60 s) ──▶ after
    const engine = memoryEngine({ wait: 'wait:60000' });
    const id = await engine.start(
      graphOf(`
        start: trigger.manual
        wait: flow.delay
        after: transform.set
        start -> wait -> after
      `),
    );
    await engine.runJob(engine.jobOf('start'));
    expect(engine.executor.calls).toEqual(['start', 'wait']);
    expect(engine.jobOf('after').spec.runAt).toBe('2030-01-01T00:01:00.000Z');
    await engine.runJobs();
    expect(engine.clock.nowIso()).toBe('2030-01-01T00:01:00.000Z');
    expect(await engine.outcome(id)).toEqual({
      status: 'succeeded',
      steps: { start: 'ok', wait: 'ok@2030-01-01T00:01:00.000Z', after: 'ok' },
    });
  });
});

describe('a crash mid-chain', () => {
  it('re-runs only the pure steps it left unrecorded, in the same job run again', async () => {
    //   start ──▶ a ──▶ check ─true─▶ b ──▶ c        (check's worker dies; the job runs again)
    const engine = memoryEngine({ check: 'crash, ok:true' });
    const id = await engine.start(
      graphOf(`
        start: trigger.manual
        a: transform.set
        check: condition.if
        b: transform.set
        c: transform.set
        no: transform.set
        start -> a -> check
        check.true -> b -> c
        check.false -> no
      `),
    );
    await engine.runJobs();
    expect(engine.crashes).toHaveLength(1);
    expect(await engine.outcome(id)).toEqual({
      status: 'succeeded',
      steps: { start: 'ok', a: 'ok', check: 'ok:true', no: 'skipped', b: 'ok', c: 'ok' },
    });
    // start and a were recorded before the crash: they never run again; check runs twice.
    expect(engine.executor.calls).toEqual(['start', 'a', 'check', 'check', 'b', 'c']);
    expect(engine.metrics.counts.settled).toBe(1);
    expect(new Set(engine.store.rows(id).map((row) => `${row.nodeId}:${row.attempt}`)).size).toBe(
      engine.store.rows(id).length,
    );
  });
});

describe('retry of a failed run', () => {
  it('resumes from the failed step with earlier results copied, or starts fresh', async () => {
    const engine = memoryEngine({ b: 'fail' });
    const id = await engine.start(graphOf(LINEAR));
    await engine.runJobs();
    expect((await engine.outcome(id)).status).toBe('failed');
    const resumed = await engine.retry(id, 'from-failure');
    await engine.runJobs();
    expect(await engine.outcome(resumed.id)).toEqual({
      status: 'failed',
      steps: { start: 'ok', a: 'ok', b: 'failed' },
    });
    expect(
      engine.store
        .rows(resumed.id)
        .filter((row) => row.reused)
        .map((row) => row.nodeId),
    ).toEqual(['start', 'a']);
    expect(engine.executor.calls).toEqual(['start', 'a', 'b', 'b']);
    const fresh = await engine.retry(resumed.id, 'fresh');
    expect(fresh.retryChain).toBe(id);
    await engine.runJobs();
    expect(engine.executor.calls.slice(4)).toEqual(['start', 'a', 'b']);
  });

  it('retries a run once: asking again, in either mode, names the retry to go on from', async () => {
    const engine = memoryEngine({ b: 'fail' });
    const id = await engine.start(graphOf(LINEAR));
    await engine.runJobs();
    const resumed = await engine.retry(id, 'from-failure');
    await expect(engine.retry(id, 'from-failure')).rejects.toMatchObject({ details: { retriedAs: resumed.id } });
    await expect(engine.retry(id, 'fresh')).rejects.toThrow(`already retried as ${resumed.id}`);
    // Two retries asked at once: the store lets one through.
    const other = await engine.start(graphOf(LINEAR));
    await engine.runJobs();
    const outcomes = await Promise.allSettled([engine.retry(other, 'from-failure'), engine.retry(other, 'fresh')]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('does not retry a test run of the draft: the draft is run again instead', async () => {
    const engine = memoryEngine({ b: 'fail' });
    const id = await engine.start(graphOf(LINEAR), {}, 'test');
    await engine.runJobs();
    expect((await engine.outcome(id)).status).toBe('failed');
    await expect(engine.retry(id, 'from-failure')).rejects.toThrow(/test run of the draft is not retried/);
  });
});
