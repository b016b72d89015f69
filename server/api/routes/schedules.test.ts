import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../scheduler/scheduler.ts';
import { type TestApi, testApi } from '../../testing/api.ts';
import { testEngine } from '../../testing/engine.ts';
import { storeFile } from '../../testing/store.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

/** A workflow whose version 1 (published, and active when asked) starts with a schedule trigger. */
async function scheduledWorkflow(cron: string, timezone: string, activate: boolean): Promise<string> {
  const graph = {
    nodes: [
      { id: 'tick', type: 'trigger.schedule', name: 'Tick', position: { x: 0, y: 0 }, config: { cron, timezone } },
    ],
    edges: [],
  };
  const { id } = (await api.call('POST', '/api/v1/workflows', { name: `Every ${cron}`, graph })).body;
  await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
  await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
  if (activate) expect((await api.call('POST', `/api/v1/workflows/${id}/activate`)).status).toBe(200);
  return id;
}

describe('schedules API', () => {
  it('lists schedules with their next fire times, only for published schedule triggers', async () => {
    const morning = await scheduledWorkflow('0 9 * * 1-5', 'Europe/Paris', true);
    const idle = await scheduledWorkflow('*/5 * * * *', 'UTC', false);
    await api.call('POST', '/api/v1/workflows', { name: 'Manual one' });

    const answer = await api.call('GET', '/api/v1/schedules');
    expect(answer.status).toBe(200);
    const byId = Object.fromEntries(answer.body.items.map((item: { workflowId: string }) => [item.workflowId, item]));
    expect(Object.keys(byId).sort()).toEqual([morning, idle].sort());
    expect(byId[morning]).toMatchObject({
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Paris',
      active: true,
      paused: false,
      version: 1,
      lastRun: null,
    });
    const times = byId[morning].nextFireTimes as string[];
    expect(times).toHaveLength(5);
    for (const time of times) {
      const local = new Date(time).toLocaleString('en-GB', {
        timeZone: 'Europe/Paris',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    }
    expect(byId[idle]).toMatchObject({ active: false, nextFireTimes: [] });
  });

  it('pauses and resumes a schedule', async () => {
    const id = await scheduledWorkflow('0 * * * *', 'UTC', true);
    const paused = await api.call('POST', `/api/v1/schedules/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, nextFireTimes: [] });
    const resumed = await api.call('POST', `/api/v1/schedules/${id}/resume`);
    expect(resumed.body).toMatchObject({ paused: false });
    expect(resumed.body.nextFireTimes).toHaveLength(5);
  });

  it('answers 404 for a workflow without a schedule', async () => {
    const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Manual' })).body;
    expect((await api.call('POST', `/api/v1/schedules/${id}/pause`)).status).toBe(404);
  });
});

describe('schedules API with the engine', () => {
  let engine: Awaited<ReturnType<typeof testEngine>>;
  beforeAll(async () => {
    engine = await testEngine();
    await engine.startWorker();
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('shows the last scheduled run, its status and when it ran', async () => {
    api.cleanup(); // this test's API works on the engine's store
    api = testApi({ store: engine.store });
    const id = await scheduledWorkflow('0 * * * * *', 'UTC', true);
    // The schedule counts from ten minutes ago; the scheduler runs the latest slot due.
    const since = new Date(Date.now() - 10 * 60_000).toISOString();
    storeFile(engine.store).run('update workflows set active_since = ? where id = ?', since, id);
    storeFile(engine.store).run('update publications set published_at = ? where workflow_id = ?', since, id);
    const before = new Date().toISOString();
    expect(await new Scheduler(engine.runs, engine.repos, engine.log).tick()).toBe(1);
    const after = new Date().toISOString();
    const lastRun = async () =>
      (await api.call('GET', '/api/v1/schedules')).body.items.find(
        (item: { workflowId: string }) => item.workflowId === id,
      ).lastRun as { executionId: string; status: string; at: string };

    const queued = await lastRun();
    const { execution } = await engine.finished(queued.executionId);
    expect(execution).toMatchObject({ workflowId: id, trigger: 'schedule' });
    expect(queued.at).toBe(execution.createdAt);
    expect(queued.at >= before && queued.at <= after).toBe(true);
    expect(await lastRun()).toEqual({ executionId: execution.id, status: 'succeeded', at: execution.createdAt });
  });
});
