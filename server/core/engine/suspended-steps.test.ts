import { describe, expect, it } from 'vitest';
import { resumeSuspended } from '../../engine/runs.ts';
import { graphOf } from './ascii-graph.ts';
import type { CompiledNode } from './compile.ts';
import type { Resumption } from './ports.ts';
import { type MemoryEngine, memoryEngine } from './testing/memory-engine.ts';

/*
 * Suspended steps (docs/architecture.md, invariant "suspended steps"): a step stored `waiting`
 * holds no job, keeps its run going, and is completed once by `RunStore.resumeWaiting`.
 *
 *   start ──▶ hold (suspends) ──▶ after
 */
const HOLD = `
  start: trigger.manual
  hold: transform.set
  after: transform.set
  start -> hold -> after
`;

async function suspended() {
  const engine = memoryEngine({ hold: 'suspend' });
  const id = await engine.start(graphOf(HOLD));
  await engine.runJobs();
  return { engine, id };
}

async function resumption(engine: MemoryEngine, id: string, result: Resumption['result']): Promise<Resumption> {
  const run = await engine.store.runForStep(id);
  const graph = await engine.runs.graphs.forExecution(run as NonNullable<typeof run>, (ref) =>
    engine.store.graphSource(ref),
  );
  const node = graph.nodes.get('hold') as CompiledNode;
  return { step: { executionId: id, nodeId: 'hold', scope: '', attempt: 1 }, graph, node, result };
}

describe('a suspended step', () => {
  it('is stored waiting, with what it waits for; the run goes on (waiting), with no job and nothing after it', async () => {
    const { engine, id } = await suspended();
    expect(await engine.outcome(id)).toEqual({ status: 'waiting', steps: { start: 'ok', hold: 'waiting' } });
    expect(engine.queue.jobs.size).toBe(0);
    expect(engine.store.rows(id).find((row) => row.nodeId === 'hold')).toMatchObject({
      status: 'waiting',
      wait: { kind: 'test' },
    });
    expect(engine.events.published.map((event) => (event.type === 'step' ? event.status : event.type))).toContain(
      'waiting',
    );
  });

  it('is not queued again by reconciling at start: what it waits for resumes it', async () => {
    const { engine, id } = await suspended();
    expect(await engine.reconcile()).toEqual({ executions: 1, jobs: 0 });
    expect(engine.queue.jobs.size).toBe(0);
    expect((await engine.outcome(id)).steps.hold).toBe('waiting');
  });

  it('a job for it (a duplicate, or one from before it suspended) does not run it again', async () => {
    const { engine, id } = await suspended();
    engine.queue.addUnkeyed({ executionId: id, nodeId: 'hold', scope: '', attempt: 1 });
    await engine.runJobs();
    expect(engine.executor.calls).toEqual(['start', 'hold']);
    expect((await engine.outcome(id)).steps.hold).toBe('waiting');
  });

  it('resumed, advances the run like any finish, once: a second resumption stores nothing', async () => {
    const { engine, id } = await suspended();
    const done = await resumption(engine, id, { status: 'succeeded', output: { resumed: true }, port: 'main' });
    expect(await resumeSuspended(engine.runs, done)).toBe(true);
    expect([...engine.queue.jobs.values()].map((job) => job.spec.nodeId)).toEqual(['after']);
    const again = await engine.store.resumeWaiting({
      ...done,
      result: { status: 'failed', error: { message: 'late' } },
    });
    expect(again).toEqual({ pending: [], events: [], stored: false });
    expect(await resumeSuspended(engine.runs, done)).toBe(false);
    await engine.runJobs();
    expect(await engine.outcome(id)).toEqual({
      status: 'succeeded',
      steps: { start: 'ok', hold: 'ok', after: 'ok' },
    });
    expect(engine.store.rows(id).find((row) => row.nodeId === 'after')?.input).toEqual({ resumed: true });
  });

  it('resumed with a failure fails the run', async () => {
    const { engine, id } = await suspended();
    const failed = await engine.store.resumeWaiting(
      await resumption(engine, id, { status: 'failed', error: { message: 'approval refused' } }),
    );
    expect(failed.stored).toBe(true);
    expect(await engine.store.getExecution(id)).toMatchObject({
      status: 'failed',
      error: { nodeId: 'hold', message: 'approval refused' },
    });
  });

  it('is canceled with its run, and cannot be resumed after', async () => {
    const { engine, id } = await suspended();
    expect(await engine.cancel(id)).toBe(true);
    expect(await engine.outcome(id)).toEqual({ status: 'canceled', steps: { start: 'ok', hold: 'canceled' } });
    const late = await engine.store.resumeWaiting(
      await resumption(engine, id, { status: 'succeeded', output: {}, port: 'main' }),
    );
    expect(late.stored).toBe(false);
    expect((await engine.outcome(id)).steps.hold).toBe('canceled');
  });
});
