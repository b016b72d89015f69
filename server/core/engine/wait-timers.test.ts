import { describe, expect, it } from 'vitest';
import { graphOf } from './ascii-graph.ts';
import { memoryEngine } from './testing/memory-engine.ts';

/*
 * Suspended steps resumed by time over the in-memory ports (docs/architecture.md, invariant
 * "suspended steps"): a step suspends with a timer; the timer job resumes it by the timer's port;
 * the run is `waiting` meanwhile and running again once resumed; reconciling re-queues a lost
 * timer; a cancel drops it.
 *
 *   start ──▶ pause (suspends for 5 s) ──▶ after
 *                  └─ timeout ──▶ late
 */
const PAUSE = `
  start: trigger.manual
  pause: flow.wait {"mode":"callback"}
  after: transform.set
  late: transform.set
  start -> pause -> after
  pause.timeout -> late
`;

describe('a suspended step with a timer', () => {
  it('makes its run waiting with only its timer queued, and is resumed by the timer’s port when due', async () => {
    const engine = memoryEngine({ pause: 'timer:5000:timeout' });
    const id = await engine.start(graphOf(PAUSE));
    await engine.runJob(engine.jobOf('start'));
    await engine.runJob(engine.jobOf('pause'));
    expect(await engine.outcome(id)).toMatchObject({ status: 'waiting', steps: { start: 'ok', pause: 'waiting' } });
    expect([...engine.queue.jobs.values()].map((job) => [job.key, job.spec.runAt])).toEqual([
      [expect.stringMatching(/:pause:1:timer$/), '2030-01-01T00:00:05.000Z'],
    ]);
    await engine.runJobs();
    expect(await engine.outcome(id)).toEqual({
      status: 'succeeded',
      steps: { start: 'ok', pause: 'ok:timeout', after: 'skipped', late: 'ok' },
    });
  });

  it('has its lost timer queued again by reconciling, once', async () => {
    const engine = memoryEngine({ pause: 'timer:5000' });
    const id = await engine.start(graphOf(PAUSE));
    await engine.runJob(engine.jobOf('start'));
    await engine.runJob(engine.jobOf('pause'));
    engine.queue.jobs.clear();
    expect(await engine.reconcile()).toEqual({ executions: 1, jobs: 1 });
    expect(await engine.reconcile()).toEqual({ executions: 1, jobs: 1 });
    expect(engine.queue.jobs.size).toBe(1);
    await engine.runJobs();
    expect(await engine.outcome(id)).toMatchObject({ status: 'succeeded', steps: { pause: 'ok', late: 'skipped' } });
  });

  it('is dropped with its run when the run is canceled', async () => {
    const engine = memoryEngine({ pause: 'timer:5000' });
    const id = await engine.start(graphOf(PAUSE));
    await engine.runJob(engine.jobOf('start'));
    await engine.runJob(engine.jobOf('pause'));
    expect(await engine.cancel(id)).toBe(true);
    expect(engine.queue.jobs.size).toBe(0);
    expect(await engine.outcome(id)).toMatchObject({ status: 'canceled', steps: { pause: 'canceled' } });
  });
});
