import { describe, expect, it } from 'vitest';
import { graphOf } from './ascii-graph.ts';
import { memoryEngine } from './testing/memory-engine.ts';
import type { Script } from './testing/memory-ports.ts';

/*
 * Loops (`flow.loop`) on the in-memory ports, through the real step runner: the loop's step
 * waits while its body runs once per item, each iteration in its own scope ("0", "1", … and
 * "1/0" nested), then leaves by `done` with each iteration's end output in item order. A loop
 * answers its list with `items:<n>` (["i0", …]); a body start's output shows its item.
 */

/*   start ──▶ each ══body══▶ [ a ──▶ b ] ──▶ each ──done──▶ after */
const LOOP = (config = '{}', body = 'transform.set') => `
  start: trigger.manual
  each: flow.loop ${config}
  a: ${body} in each
  b: transform.set in each
  after: transform.set
  start -> each
  each.body -> a -> b -> each
  each.done -> after
`;

const run = async (drawing: string, script: Script) => {
  const engine = memoryEngine(script);
  const id = await engine.start(graphOf(drawing));
  await engine.runJobs();
  return { engine, id, ...(await engine.outcome(id)) };
};

const rowOf = (engine: ReturnType<typeof memoryEngine>, id: string, nodeId: string, scope = '') =>
  engine.store.rows(id).find((row) => row.nodeId === nodeId && row.scope === scope);

/** The list a loop's step passed on (its stored output). */
const listOf = (engine: ReturnType<typeof memoryEngine>, id: string, nodeId = 'each', scope = '') =>
  (rowOf(engine, id, nodeId, scope)?.output ?? []) as Array<{ item?: string }>;

describe('a loop', () => {
  it('runs its body once per item, in order, and passes on each end output in item order', async () => {
    const { engine, id, status, steps } = await run(LOOP(), { each: 'items:3' });
    expect(status).toBe('succeeded');
    expect(steps).toEqual({
      start: 'ok',
      each: 'ok:done',
      'a#0': 'ok',
      'b#0': 'ok',
      'a#1': 'ok',
      'b#1': 'ok',
      'a#2': 'ok',
      'b#2': 'ok',
      after: 'ok',
    });
    expect(engine.executor.calls).toEqual(['start', 'each', 'a#0', 'b#0', 'a#1', 'b#1', 'a#2', 'b#2', 'after']);
    // The body start's input is its item; the loop's output, each iteration's end output.
    expect(rowOf(engine, id, 'a', '1')?.input).toBe('i1');
    expect(rowOf(engine, id, 'each')?.output).toEqual([
      { item: 'i0', a: 1, b: 1 },
      { item: 'i1', a: 1, b: 1 },
      { item: 'i2', a: 1, b: 1 },
    ]);
    expect(rowOf(engine, id, 'after')?.input).toEqual(rowOf(engine, id, 'each')?.output);
    // Pure bodies run inline: the whole run is one job.
    expect(engine.metrics.counts.inlineSteps).toBe(8);
  });

  it('waits while its iterations run, with its progress stored, and holds no job of its own', async () => {
    const engine = memoryEngine({ each: 'items:3' });
    const id = await engine.start(graphOf(LOOP('{"concurrency": 2}', 'action.http')));
    await engine.runJob(engine.jobOf('start'));
    expect(await engine.outcome(id)).toEqual({ status: 'running', steps: { start: 'ok', each: 'waiting' } });
    expect(rowOf(engine, id, 'each')?.wait).toEqual({ kind: 'loop', total: 3, started: 2, ended: 0 });
    // Concurrency 2: two iterations' actions are queued, the third waits for one to end.
    expect([...engine.queue.jobs.values()].map((job) => `${job.spec.nodeId}#${job.spec.scope}`)).toEqual([
      'a#0',
      'a#1',
    ]);
    await engine.runJob(engine.jobOf('a#1'));
    expect([...engine.queue.jobs.values()].map((job) => `${job.spec.nodeId}#${job.spec.scope}`)).toEqual([
      'a#0',
      'a#2',
    ]);
    expect(rowOf(engine, id, 'each')?.wait).toMatchObject({ started: 3, ended: 1 });
    await engine.runJobs();
    expect((await engine.outcome(id)).status).toBe('succeeded');
    // Out-of-order ends still give the output in item order.
    expect(listOf(engine, id, 'each').map((each) => each.item)).toEqual(['i0', 'i1', 'i2']);
  });

  it('with an empty list leaves by done at once, with []', async () => {
    const { engine, id, status, steps } = await run(LOOP(), { each: 'items:0' });
    expect(status).toBe('succeeded');
    expect(steps).toEqual({ start: 'ok', each: 'ok:done', after: 'ok' });
    expect(rowOf(engine, id, 'each')?.output).toEqual([]);
  });

  it('leaves out an iteration whose end node was skipped (a branch not taken)', async () => {
    //   each ══body══▶ [ check ─true─▶ keep ] ──▶ each
    const { engine, id, status, steps } = await run(
      `
        start: trigger.manual
        each: flow.loop
        check: condition.if in each
        keep: transform.set in each
        start -> each
        each.body -> check
        check.true -> keep -> each
      `,
      { each: 'items:3', 'check#1': 'ok:false', check: 'ok:true' },
    );
    expect(status).toBe('succeeded');
    expect(steps).toMatchObject({ 'check#1': 'ok:false', 'keep#1': 'skipped', 'keep#0': 'ok', 'keep#2': 'ok' });
    expect(listOf(engine, id, 'each').map((each) => each.item)).toEqual(['i0', 'i2']);
  });

  it.each([
    ['stop: the run fails, naming the item and the node; later items never run', 'stop'],
    ['skip: the failed item is recorded and left out; the run goes on', 'skip'],
    ['collect: the failed item stands as its error, in its place', 'collect'],
  ])('on an item error, %s', async (_what, onItemError) => {
    const { engine, id, status, steps } = await run(LOOP(`{"onItemError": "${onItemError}"}`), {
      each: 'items:3',
      'a#1': 'fail!',
    });
    const items = () => rowOf(engine, id, 'each')?.output;
    if (onItemError === 'stop') {
      expect(status).toBe('failed');
      expect(steps).toEqual({ start: 'ok', each: 'failed', 'a#0': 'ok', 'b#0': 'ok', 'a#1': 'failed' });
      expect((await engine.store.getExecution(id))?.error).toEqual({
        nodeId: 'a',
        nodeName: 'A',
        message: 'Each, item 2: a#1 failed',
      });
      return;
    }
    expect(status).toBe('succeeded');
    expect(steps).toMatchObject({ each: 'ok:done', 'a#1': 'failed', 'b#1': 'skipped', 'b#2': 'ok', after: 'ok' });
    const iterations = engine.store.records.iterations({ executionId: id, nodeId: 'each', scope: '' });
    expect(iterations.map((iteration) => iteration.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(iterations[1]?.error).toEqual({ nodeId: 'a', nodeName: 'A', message: 'a#1 failed' });
    if (onItemError === 'skip') {
      expect((items() as Array<{ item: string }>).map((each) => each.item)).toEqual(['i0', 'i2']);
    } else {
      expect(items()).toEqual([
        { item: 'i0', a: 1, b: 1 },
        { error: { message: 'a#1 failed' }, index: 1 },
        { item: 'i2', a: 1, b: 1 },
      ]);
    }
  });

  it('nested: the inner loop runs per outer item, in scopes "i/j", and each level passes on its list', async () => {
    //   outer ══body══▶ [ inner ══body══▶ [ leaf ] ──▶ inner ──done──▶ tail ] ──▶ outer
    const { engine, id, status, steps } = await run(
      `
        start: trigger.manual
        outer: flow.loop
        inner: flow.loop in outer
        leaf: transform.set in inner
        tail: transform.set in outer
        start -> outer
        outer.body -> inner
        inner.body -> leaf -> inner
        inner.done -> tail -> outer
      `,
      { outer: 'items:2', inner: 'items:2' },
    );
    expect(status).toBe('succeeded');
    expect(steps).toEqual({
      start: 'ok',
      outer: 'ok:done',
      'inner#0': 'ok:done',
      'leaf#0/0': 'ok',
      'leaf#0/1': 'ok',
      'tail#0': 'ok',
      'inner#1': 'ok:done',
      'leaf#1/0': 'ok',
      'leaf#1/1': 'ok',
      'tail#1': 'ok',
    });
    expect(rowOf(engine, id, 'inner', '1')?.output).toEqual([
      { item: 'i0', leaf: 1 },
      { item: 'i1', leaf: 1 },
    ]);
    expect(listOf(engine, id, 'outer').length).toBe(2);
  });

  it('nested: an inner loop that stops fails its outer iteration, which the outer loop skips', async () => {
    const { engine, id, status, steps } = await run(
      `
        start: trigger.manual
        outer: flow.loop {"onItemError": "skip"}
        inner: flow.loop {"onItemError": "stop"} in outer
        leaf: transform.set in inner
        tail: transform.set in outer
        start -> outer
        outer.body -> inner
        inner.body -> leaf -> inner
        inner.done -> tail -> outer
      `,
      { outer: 'items:3', inner: 'items:2', 'leaf#1/1': 'fail!' },
    );
    expect(status).toBe('succeeded');
    expect(steps).toMatchObject({ 'inner#1': 'failed', 'leaf#1/1': 'failed', 'inner#2': 'ok:done', outer: 'ok:done' });
    expect(engine.store.records.iterations({ executionId: id, nodeId: 'outer', scope: '' })).toEqual([
      { index: 0, status: 'succeeded' },
      {
        index: 1,
        status: 'failed',
        error: { nodeId: 'inner', nodeName: 'Inner', message: 'Inner, item 2: leaf#1/1 failed' },
      },
      { index: 2, status: 'succeeded' },
    ]);
    expect(listOf(engine, id, 'outer')).toHaveLength(2);
  });

  it('with batches: the next batch starts only once the last one ended, after the pause (a job due later)', async () => {
    const engine = memoryEngine({ each: 'items:4' });
    const id = await engine.start(graphOf(LOOP('{"concurrency": 2, "batchSize": 2, "pauseSeconds": 30}')));
    await engine.runJob(engine.jobOf('start'));
    // Items 0 and 1 ran inline; the second batch is a job due 30 s later.
    expect(engine.executor.calls).toEqual(['start', 'each', 'a#0', 'a#1', 'b#0', 'b#1']);
    expect([...engine.queue.jobs.values()].map((job) => [job.spec.scope, job.spec.runAt])).toEqual([
      ['2', '2030-01-01T00:00:30.000Z'],
      ['3', '2030-01-01T00:00:30.000Z'],
    ]);
    await engine.runJobs();
    expect(engine.clock.nowIso()).toBe('2030-01-01T00:00:30.000Z');
    expect((await engine.outcome(id)).status).toBe('succeeded');
    expect(listOf(engine, id, 'each').length).toBe(4);
  });

  it('reconciled during a batch pause, queues the next batch again for when the pause ends', async () => {
    const engine = memoryEngine({ each: 'items:4' });
    const id = await engine.start(graphOf(LOOP('{"concurrency": 2, "batchSize": 2, "pauseSeconds": 30}')));
    await engine.runJob(engine.jobOf('start'));
    engine.queue.jobs.clear(); // the queue lost its jobs
    expect(await engine.reconcile()).toEqual({ executions: 1, jobs: 2 });
    expect([...engine.queue.jobs.values()].map((job) => [job.spec.nodeId, job.spec.scope, job.spec.runAt])).toEqual([
      ['a', '2', '2030-01-01T00:00:30.000Z'],
      ['a', '3', '2030-01-01T00:00:30.000Z'],
    ]);
    await engine.runJobs();
    expect((await engine.outcome(id)).status).toBe('succeeded');
    expect(listOf(engine, id)).toHaveLength(4);
  });

  it('is canceled with its run: the waiting loop and its running iterations', async () => {
    const engine = memoryEngine({ each: 'items:3' });
    const id = await engine.start(graphOf(LOOP('{"concurrency": 2}', 'action.http')));
    await engine.runJob(engine.jobOf('start'));
    expect(await engine.cancel(id)).toBe(true);
    expect(engine.queue.jobs.size).toBe(0);
    expect(await engine.outcome(id)).toEqual({ status: 'canceled', steps: { start: 'ok', each: 'canceled' } });
  });
});

describe('a loop after a crash', () => {
  it('loses no iteration and runs no action twice: the crashed one is taken over, the rest reconciled', async () => {
    const engine = memoryEngine({ each: 'items:4', 'a#1': 'crash, ok' });
    const id = await engine.start(graphOf(LOOP('{"concurrency": 2}', 'action.http')));
    await engine.runJob(engine.jobOf('start'));
    await engine.runJob(engine.jobOf('a#0'));
    await engine.runJob(engine.jobOf('a#1')); // its worker dies mid-call, after the claim
    // The queue loses every job (PostgreSQL reset): reconciling derives them again from the records.
    engine.queue.jobs.clear();
    expect(await engine.reconcile()).toEqual({ executions: 1, jobs: 2 });
    await engine.runJobs();
    expect(await engine.outcome(id)).toMatchObject({ status: 'succeeded' });
    const calls = engine.executor.calls.filter((call) => call.startsWith('a#'));
    // a#1 ran twice: the crash (no result) and the takeover of its own claim; every other item once.
    expect(calls.sort()).toEqual(['a#0', 'a#1', 'a#1', 'a#2', 'a#3']);
    expect(engine.store.records.iterations({ executionId: id, nodeId: 'each', scope: '' })).toHaveLength(4);
    expect(listOf(engine, id, 'each').length).toBe(4);
  });
});

describe('retry of a run that failed in a loop', () => {
  it('re-runs only the failed iterations; the output is complete and in order', async () => {
    const engine = memoryEngine({ each: 'items:4', 'b#2': 'fail!, ok' });
    const id = await engine.start(graphOf(LOOP('{"concurrency": 1}')));
    await engine.runJobs();
    expect((await engine.outcome(id)).status).toBe('failed');
    const retried = await engine.retry(id, 'from-failure');
    await engine.runJobs();
    expect((await engine.outcome(retried.id)).status).toBe('succeeded');
    // The retry ran the loop's step (its list), iteration 2's failed step, and iteration 3 (never reached).
    expect(engine.executor.calls.slice(engine.executor.calls.indexOf('b#2') + 1)).toEqual([
      'each',
      'b#2',
      'a#3',
      'b#3',
      'after',
    ]);
    expect(listOf(engine, retried.id, 'each').map((each) => each.item)).toEqual(['i0', 'i1', 'i2', 'i3']);
  });
});
