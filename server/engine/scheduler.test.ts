import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph.ts';
import { listExecutions } from '../store/executions.ts';
import { publishVersion } from '../store/publications.ts';
import { claimFire, setSchedulePaused } from '../store/schedules.ts';
import { insertVersion } from '../store/versions.ts';
import { insertWorkflow, updateWorkflow } from '../store/workflows.ts';
import { Scheduler } from './scheduler.ts';
import { testEngine, waitUntil } from './test-engine.ts';

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
  engine.store.sqlite.prepare('update workflows set active = 0').run();
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

/** Makes a workflow's schedule count from `iso` (as if activated and published then). */
function countFrom(workflowId: string, iso: string) {
  engine.store.sqlite.prepare('update workflows set active_since = ? where id = ?').run(iso, workflowId);
  engine.store.sqlite.prepare('update publications set published_at = ? where workflow_id = ?').run(iso, workflowId);
}

describe('scheduler', () => {
  it('fires an active schedule on its slots, and the run gets the slot in its payload', async () => {
    const { workflow } = activeWorkflow(scheduled('* * * * * *'));
    const scheduler = new Scheduler(engine.runs, engine.log);
    scheduler.start();
    try {
      await waitUntil('a scheduled run exists', () => runsOf(workflow.id).length > 0, 5000);
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
    const [a, b] = [new Scheduler(engine.runs, engine.log, now), new Scheduler(engine.runs, engine.log, now)];
    await Promise.all([a.tick(), b.tick(), a.tick()]);
    const runs = runsOf(workflow.id);
    expect(runs).toHaveLength(1);
    expect(await a.tick()).toBe(0);
    expect(claimFire(engine.store.sqlite, workflow.id, '2026-01-01T10:01:00.000Z')).toBe(false);
  });

  it('after downtime runs only the latest missed slot, recording how many it skipped', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const scheduler = new Scheduler(engine.runs, engine.log, () => new Date('2026-01-01T10:10:30.000Z'));
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    const [run] = runsOf(workflow.id);
    const { execution } = await engine.finished(run?.id as string);
    expect(execution.triggerPayload).toMatchObject({ scheduledFor: '2026-01-01T10:10:00.000Z', missedFires: 9 });
  });

  it('does not fire while the workflow is inactive or its schedule paused, nor for slots before activation', async () => {
    const { workflow } = activeWorkflow(scheduled('0 * * * * *'));
    countFrom(workflow.id, '2026-01-01T10:00:00.000Z');
    const later = new Scheduler(engine.runs, engine.log, () => new Date('2026-01-01T10:03:00.000Z'));

    setSchedulePaused(engine.store.sqlite, workflow.id, true);
    expect(await later.tick()).toBe(0);
    setSchedulePaused(engine.store.sqlite, workflow.id, false);
    updateWorkflow(engine.store.db, workflow.id, { active: false });
    expect(await later.tick()).toBe(0);

    // Activated again at 10:05: the slots of 10:01–10:05 never fire.
    updateWorkflow(engine.store.db, workflow.id, { active: true });
    engine.store.sqlite
      .prepare('update workflows set active_since = ? where id = ?')
      .run('2026-01-01T10:05:00.000Z', workflow.id);
    const atActivation = new Scheduler(engine.runs, engine.log, () => new Date('2026-01-01T10:05:30.000Z'));
    expect(await atActivation.tick()).toBe(0);
    const next = new Scheduler(engine.runs, engine.log, () => new Date('2026-01-01T10:06:00.000Z'));
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
    const scheduler = new Scheduler(engine.runs, engine.log, () => new Date('2030-01-01T00:00:00.000Z'));
    expect(await scheduler.tick()).toBe(0);
    expect(runsOf(workflow.id)).toHaveLength(0);
  });
});
