import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { StepJobBatcher } from '../engine/queue.ts';
import { reconcileUnfinishedRuns } from '../engine/runs.ts';
import { listExecutions } from '../store/executions.ts';
import { publishVersion } from '../store/publications.ts';
import { insertVersion } from '../store/versions.ts';
import { insertWorkflow, updateWorkflow } from '../store/workflows.ts';
import { testEngine, waitUntil } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';
import { Scheduler } from './scheduler.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
});
afterAll(async () => {
  await engine?.close();
});
// Each test's schedules stop with it, so a later test's tick() counts only its own.
afterEach(() => {
  storeFile(engine.store).run('update workflows set active = 0');
});

/**
 *   Schedule (cron) ──▶ Stamp
 */
const scheduled = (cron: string, timezone = 'UTC'): Graph => ({
  nodes: [
    { id: 'tick', type: 'trigger.schedule', name: 'Tick', position: { x: 0, y: 0 }, config: { cron, timezone } },
    {
      id: 'stamp',
      type: 'transform.set',
      name: 'Stamp',
      position: { x: 0, y: 100 },
      config: { fields: [{ path: 'slot', value: '{{ trigger.scheduledFor }}' }] },
    },
  ],
  edges: [{ id: 'e1', source: 'tick', sourcePort: 'main', target: 'stamp' }],
});

/** A published, active workflow with `graph` as version 1. */
function activeWorkflow(graph: Graph) {
  const db = engine.store.db;
  const workflow = insertWorkflow(db, { name: `Scheduled ${Math.random()}`, draft: graph });
  const version = insertVersion(db, { workflowId: workflow.id, graph });
  publishVersion(db, { workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
  updateWorkflow(db, workflow.id, { active: true });
  return { workflow, version };
}

const runsOf = (workflowId: string) => listExecutions(engine.store.db, { workflowId, trigger: 'schedule', limit: 100 });

/** The slots a workflow has taken, with the execution each one ran. */
const firesOf = (workflowId: string) =>
  storeFile(engine.store).all(
    'select fire_time as fireTime, execution_id as executionId from schedule_fires where workflow_id = ?',
    workflowId,
  ) as Array<{ fireTime: string; executionId: string | null }>;

/** A queue that never takes a job, as if the process died just after the run was stored. */
class DeadQueue extends StepJobBatcher {
  override add(): Promise<void> {
    return new Promise(() => undefined);
  }
}

/** Makes a workflow's schedule count from `iso` (as if activated and published then). */
function countFrom(workflowId: string, iso: string) {
  storeFile(engine.store).run('update workflows set active_since = ? where id = ?', iso, workflowId);
  storeFile(engine.store).run('update publications set published_at = ? where workflow_id = ?', iso, workflowId);
}

describe('scheduler', () => {
  it('fires an active schedule on its slots, and the run gets the slot in its payload', async () => {
    const { workflow } = activeWorkflow(scheduled('* * * * * *'));
    const scheduler = new Scheduler(engine.runs, engine.repos, engine.log);
    scheduler.start();
    try {
      await waitUntil('a scheduled run exists', () => runsOf(workflow.id).length > 0);
    } finally {
      await scheduler.stop();
    }
    const [first] = runsOf(workflow.id);
    const { execution, steps } = await engine.finished(first?.id as string);
    expect(execution.status).toBe('succeeded');
    expect(execution.triggerPayload).toMatchObject({ timezone: 'UTC', cron: '* * * * * *', missedFires: 0 });
    const slot = (execution.triggerPayload as { scheduledFor: string }).scheduledFor;
    expect(new Date(slot).getMilliseconds()).toBe(0);
    expect(steps.find((step) => step.nodeId === 'stamp')?.output).toMatchObject({ slot });
  });

  it('takes each slot once, even with two schedulers ticking at the same moment', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const now = () => new Date('2026-01-01T10:01:10.000Z');
    const [a, b] = [
      new Scheduler(engine.runs, engine.repos, engine.log, now),
      new Scheduler(engine.runs, engine.repos, engine.log, now),
    ];
    await Promise.all([a.tick(), b.tick(), a.tick()]);
    const runs = runsOf(workflow.id);
    expect(runs).toHaveLength(1);
    expect(await a.tick()).toBe(0);
    expect(await engine.repos.schedules.claimFire(workflow.id, '2026-01-01T10:01:00.000Z', runs[0]?.id as string)).toBe(
      false,
    );
  });

  it('after downtime runs only the latest missed slot, recording how many it skipped', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const scheduler = new Scheduler(engine.runs, engine.repos, engine.log, () => new Date('2026-01-01T10:10:30.000Z'));
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    const [run] = runsOf(workflow.id);
    const { execution } = await engine.finished(run?.id as string);
    expect(execution.triggerPayload).toMatchObject({ scheduledFor: '2026-01-01T10:10:00.000Z', missedFires: 9 });
  });

  it('does not fire while the workflow is inactive or its schedule paused, nor for slots before activation', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const later = new Scheduler(engine.runs, engine.repos, engine.log, () => new Date('2026-01-01T10:03:00.000Z'));

    await engine.repos.schedules.setPaused(workflow.id, true);
    expect(await later.tick()).toBe(0);
    await engine.repos.schedules.setPaused(workflow.id, false);
    updateWorkflow(engine.store.db, workflow.id, { active: false });
    expect(await later.tick()).toBe(0);

    // Activated again at 10:05: the slots of 10:01–10:05 never fire.
    updateWorkflow(engine.store.db, workflow.id, { active: true });
    storeFile(engine.store).run(
      'update workflows set active_since = ? where id = ?',
      '2026-01-01T10:05:00.000Z',
      workflow.id,
    );
    const atActivation = new Scheduler(
      engine.runs,
      engine.repos,
      engine.log,
      () => new Date('2026-01-01T10:05:30.000Z'),
    );
    expect(await atActivation.tick()).toBe(0);
    const next = new Scheduler(engine.runs, engine.repos, engine.log, () => new Date('2026-01-01T10:06:00.000Z'));
    expect(await next.tick()).toBe(1);
    expect(runsOf(workflow.id)).toHaveLength(1);
  });

  it('follows the published version: publishing one without a schedule stops the firing', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const manual: Graph = {
      nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    };
    const v2 = insertVersion(engine.store.db, { workflowId: workflow.id, graph: manual });
    publishVersion(engine.store.db, { workflowId: workflow.id, versionId: v2.id, versionNumber: 2 });
    const scheduler = new Scheduler(engine.runs, engine.repos, engine.log, () => new Date('2030-01-01T00:00:00.000Z'));
    expect(await scheduler.tick()).toBe(0);
    expect(runsOf(workflow.id)).toHaveLength(0);
  });

  it('takes no slot whose run could not be stored: the next tick runs it', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const scheduler = new Scheduler(engine.runs, engine.repos, engine.log, () => new Date('2026-01-01T10:01:10.000Z'));
    const file = storeFile(engine.store);
    // The last write before the commit fails (as a crash would stop it there), after both the
    // execution and the slot's claim were written: neither is kept, so the slot is still free.
    file.exec(`create temp trigger lose_claims after insert on schedule_fires
                 begin select raise(abort, 'disk I/O error'); end`);
    try {
      expect(await scheduler.tick()).toBe(0);
    } finally {
      file.exec('drop trigger lose_claims');
    }
    expect(firesOf(workflow.id)).toEqual([]);
    expect(runsOf(workflow.id)).toEqual([]);

    expect(await scheduler.tick()).toBe(1);
    const [run] = runsOf(workflow.id);
    expect(firesOf(workflow.id)).toEqual([{ fireTime: '2026-01-01T10:01:00.000Z', executionId: run?.id }]);
    const { execution } = await engine.finished(run?.id as string);
    expect(execution).toMatchObject({
      status: 'succeeded',
      triggerPayload: { scheduledFor: '2026-01-01T10:01:00.000Z' },
    });
  });

  it('stores the slot and its run together; a run the process died before queueing is resumed at start', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const dying = new Scheduler(
      { ...engine.runs, jobs: new DeadQueue(engine.pgPool) },
      engine.repos,
      engine.log,
      () => {
        return new Date('2026-01-01T10:01:10.000Z');
      },
    );
    void dying.tick(); // never ends: its queue write never happens
    await waitUntil('the slot is taken', () => firesOf(workflow.id).length > 0);
    const [run] = runsOf(workflow.id);
    expect(run?.status).toBe('queued');
    expect(firesOf(workflow.id)).toEqual([{ fireTime: '2026-01-01T10:01:00.000Z', executionId: run?.id }]);

    // The next start: the run is queued from what SQLite records, and the slot is not taken again.
    await reconcileUnfinishedRuns(engine.runs);
    expect((await engine.finished(run?.id as string)).execution.status).toBe('succeeded');
    const next = new Scheduler(engine.runs, engine.repos, engine.log, () => new Date('2026-01-01T10:01:20.000Z'));
    expect(await next.tick()).toBe(0);
    expect(runsOf(workflow.id)).toHaveLength(1);
  });

  it('skips the slots that passed while paused: resuming does not catch up', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, new Date(Date.now() - 10 * 60_000).toISOString());
    await engine.repos.schedules.setPaused(workflow.id, true);
    await engine.repos.schedules.setPaused(workflow.id, false);
    const resumedAt = new Date().toISOString();
    const at = (iso: string) => new Scheduler(engine.runs, engine.repos, engine.log, () => new Date(iso));
    // Ten slots passed since the schedule started counting; none runs on resume…
    expect(await at(resumedAt).tick()).toBe(0);
    // …and the first slot after it runs, with nothing counted as missed.
    const nextSlot = new Date(Math.floor(Date.parse(resumedAt) / 60_000 + 1) * 60_000).toISOString();
    expect(await at(nextSlot).tick()).toBe(1);
    const [run] = runsOf(workflow.id);
    expect((await engine.repos.executions.get(run?.id as string))?.triggerPayload).toMatchObject({
      scheduledFor: nextSlot,
      missedFires: 0,
    });
    // Resuming a schedule that was not paused changes nothing.
    const since = () =>
      storeFile(engine.store).column('select active_since from workflows where id = ?', workflow.id)[0];
    const before = since();
    await engine.repos.schedules.setPaused(workflow.id, false);
    expect(since()).toBe(before);
  });

  it('keeps the fires it needs through retention: a yearly slot does not fire twice', async () => {
    const { workflow } = activeWorkflow(scheduled('0 0 0 1 1 *'));
    countFrom(workflow.id, '2024-06-01T00:00:00.000Z');
    const at = (iso: string) => new Scheduler(engine.runs, engine.repos, engine.log, () => new Date(iso));
    expect(await at('2025-01-01T00:00:05.000Z').tick()).toBe(1);
    expect(await at('2026-01-01T00:00:05.000Z').tick()).toBe(1);
    // Half a year later retention runs: the 2025 fire goes, the latest (2026) stays…
    const now = new Date('2026-07-01T00:00:00.000Z');
    for await (const _ of engine.repos.schedules.pruneFires({ batchSize: 100, now }));
    expect(firesOf(workflow.id).map((fire) => fire.fireTime)).toEqual(['2026-01-01T00:00:00.000Z']);
    // …so the 2026 slot is still taken, and only 2027's runs next.
    expect(await at(now.toISOString()).tick()).toBe(0);
    expect(await at('2027-01-01T00:00:01.000Z').tick()).toBe(1);
    expect(runsOf(workflow.id)).toHaveLength(3);
  });
});
