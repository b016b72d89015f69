import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../core/graph/model.ts';
import { EventHub } from '../../engine/event-hub.ts';
import { createRunService } from '../../runs/service.ts';
import { type TestApi, testApi } from '../../testing/api.ts';
import { testEngine } from '../../testing/engine.ts';
import { storeFile } from '../../testing/store.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, events) });
});
afterAll(async () => {
  await events?.close();
  await engine?.close();
});

/**
 *   Start ──▶ Greet ──▶ Wait (delay, seconds) ──▶ After
 *   (A delay postpones what follows it, so the run stays running until After.)
 */
const greeting = (delaySeconds?: number): Graph => {
  const nodes: Graph['nodes'] = [
    { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'greet',
      type: 'transform.set',
      name: 'Greet',
      position: { x: 0, y: 100 },
      config: { fields: [{ path: 'greeting', value: 'Hello {{ input.name }}' }] },
    },
  ];
  const edges: Graph['edges'] = [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'greet' }];
  if (delaySeconds) {
    const wait = { amount: delaySeconds, unit: 'seconds' };
    nodes.push({ id: 'wait', type: 'flow.delay', name: 'Wait', position: { x: 0, y: 200 }, config: wait });
    nodes.push({ id: 'after', type: 'transform.set', name: 'After', position: { x: 0, y: 300 }, config: {} });
    edges.push({ id: 'e2', source: 'greet', sourcePort: 'main', target: 'wait' });
    edges.push({ id: 'e3', source: 'wait', sourcePort: 'main', target: 'after' });
  }
  return { nodes, edges };
};

async function workflow(graph: Graph, publish = true): Promise<string> {
  const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Runs', graph })).body;
  if (publish) {
    await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
  }
  return id;
}

async function until(executionId: string, statuses: string[]) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const answer = await api.call('GET', `/api/v1/executions/${executionId}`);
    if (statuses.includes(answer.body.status)) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`execution ${executionId} never reached ${statuses.join('/')}`);
}

describe('runs API', () => {
  it('runs the published version and shows every step in the execution', async () => {
    const id = await workflow(greeting());
    const started = await api.call('POST', `/api/v1/workflows/${id}/runs`, { payload: { name: 'Ada' } });
    expect(started.status).toBe(201);
    const execution = await until(started.body.executionId, ['succeeded', 'failed']);
    expect(execution).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      workflowName: 'Runs',
      versionNumber: 1,
      triggerPayload: { name: 'Ada' },
    });
    // The detail carries the graph the run follows, so a page can draw it without another call.
    expect(execution.graph).toEqual(greeting());
    expect(execution.steps.map((step: { nodeId: string; status: string }) => [step.nodeId, step.status])).toEqual([
      ['start', 'succeeded'],
      ['greet', 'succeeded'],
    ]);
    expect(execution.steps[1].output).toEqual({ name: 'Ada', greeting: 'Hello Ada' });
    expect(execution.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('test-runs the draft, keeping a copy of the graph it ran', async () => {
    const id = await workflow(greeting(), false);
    const started = await api.call(
      'POST',
      `/api/v1/workflows/${id}/runs`,
      { draft: true, payload: { name: 'Bo' } },
      { as: 'analyst' },
    );
    expect(started.status).toBe(201);
    // Who started a run is kept with it (schedules and webhooks start runs as nobody).
    const startedBy = (executionId: string) =>
      storeFile(api.store).get('select created_by as createdBy from executions where id = ?', executionId);
    expect(startedBy(started.body.executionId)).toEqual({ createdBy: api.users.analyst.id });
    // Editing the draft while it runs does not change what runs.
    await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: { nodes: [], edges: [] } });
    const execution = await until(started.body.executionId, ['succeeded', 'failed']);
    expect(execution).toMatchObject({ status: 'succeeded', trigger: 'test', versionId: null, versionNumber: null });
    expect(execution.steps[1].output.greeting).toBe('Hello Bo');
    // A test run has no version: its detail shows the copy of the draft it ran, not today's draft.
    expect(execution.graph).toEqual(greeting());
  });

  it('refuses to run what cannot run', async () => {
    const unpublished = await workflow(greeting(), false);
    const none = await api.call('POST', `/api/v1/workflows/${unpublished}/runs`, {});
    expect(none.status).toBe(409);
    await api.call('PUT', `/api/v1/workflows/${unpublished}/draft`, { graph: { nodes: [], edges: [] } });
    const invalid = await api.call('POST', `/api/v1/workflows/${unpublished}/runs`, { draft: true });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.problems[0].code).toBe('trigger_count');
    const both = await api.call('POST', `/api/v1/workflows/${unpublished}/runs`, { draft: true, version: 1 });
    expect(both.status).toBe(400);
    const missing = await api.call('POST', `/api/v1/workflows/${unpublished}/runs`, { version: 9 });
    expect(missing.status).toBe(404);
  });

  it('cancels a running execution and retries it fresh', async () => {
    const id = await workflow(greeting(60));
    const started = await api.call('POST', `/api/v1/workflows/${id}/runs`, { payload: { name: 'Cy' } });
    const executionId = started.body.executionId;
    await until(executionId, ['running']);
    const canceled = await api.call('POST', `/api/v1/executions/${executionId}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    expect((await api.call('POST', `/api/v1/executions/${executionId}/cancel`)).status).toBe(409);

    const retried = await api.call('POST', `/api/v1/executions/${executionId}/retry`, { mode: 'fresh' });
    expect(retried.status).toBe(201);
    const retry = (await api.call('GET', `/api/v1/executions/${retried.body.executionId}`)).body;
    expect(retry).toMatchObject({ trigger: 'retry', retryOf: executionId });
    expect(storeFile(api.store).get('select created_by as createdBy from executions where id = ?', retry.id)).toEqual({
      createdBy: api.users.admin.id,
    });
    await api.call('POST', `/api/v1/executions/${retried.body.executionId}/cancel`);
    expect((await api.call('POST', `/api/v1/executions/${executionId}/retry`, { mode: 'sideways' })).status).toBe(400);

    // The retried run links to its retry, in the list and alone, and is not retried twice.
    const original = (await api.call('GET', `/api/v1/executions/${executionId}`)).body;
    expect(original.retriedAs).toBe(retry.id);
    const listed = (await api.call('GET', `/api/v1/executions?workflowId=${id}`)).body.items;
    expect(listed.find((item: { id: string }) => item.id === executionId).retriedAs).toBe(retry.id);
    const twice = await api.call('POST', `/api/v1/executions/${executionId}/retry`, { mode: 'fresh' });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'cannot_retry', details: { retriedAs: retry.id } });
    expect(twice.body.error.message).toContain(`already retried as ${retry.id}`);
    // Retrying the retry goes on.
    expect((await api.call('POST', `/api/v1/executions/${retry.id}/retry`, { mode: 'fresh' })).status).toBe(201);
  });

  it('refuses to retry a test run of the draft', async () => {
    const id = await workflow(greeting(60), false);
    const started = await api.call('POST', `/api/v1/workflows/${id}/runs`, { draft: true });
    await until(started.body.executionId, ['running']);
    await api.call('POST', `/api/v1/executions/${started.body.executionId}/cancel`);
    const retried = await api.call('POST', `/api/v1/executions/${started.body.executionId}/retry`, {});
    expect(retried.status).toBe(409);
    expect(retried.body.error.message).toMatch(/run the draft again/);
  });

  it('lists executions newest first, with filters and pages', async () => {
    const id = await workflow(greeting());
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push(
        (await api.call('POST', `/api/v1/workflows/${id}/runs`, { payload: { name: `N${index}` } })).body.executionId,
      );
    }
    for (const executionId of ids) await until(executionId, ['succeeded']);
    const page = await api.call('GET', `/api/v1/executions?workflowId=${id}&limit=2`);
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
    // Rows name their workflow and version, so a list across workflows needs no further calls.
    expect(page.body.items[0]).toMatchObject({ workflowId: id, workflowName: 'Runs', versionNumber: 1 });
    const next = await api.call('GET', `/api/v1/executions?workflowId=${id}&limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((item: { id: string }) => item.id)).toEqual([ids[0]]);
    expect(next.body.nextCursor).toBeNull();
    const failed = await api.call('GET', `/api/v1/executions?workflowId=${id}&status=failed`);
    expect(failed.body.items).toEqual([]);
    expect((await api.call('GET', '/api/v1/executions?status=exploded')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/executions/01a200a9-5cfd-7049-9fb8-b1b2d26fba24')).status).toBe(404);
  });

  it('streams live progress as server-sent events until the run ends', async () => {
    const id = await workflow(greeting(1));
    const started = await api.call('POST', `/api/v1/workflows/${id}/runs`, { payload: { name: 'Di' } });
    const response = await api.app.request(`/api/v1/executions/${started.body.executionId}/events`, {
      headers: { authorization: `Bearer ${api.keys.operator}` }, // any role may watch
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text(); // the stream closes when the run ends
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((match) => ({
      type: match[1],
      data: JSON.parse(match[2] as string),
    }));
    expect(events[0]?.type).toBe('snapshot');
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'run', data: { status: 'succeeded' } });
    // Steps done before the stream opened are in the snapshot; the rest arrive as events.
    const snapshot = events[0]?.data as { steps: Array<{ nodeId: string; status: string }> };
    const done = new Set([
      ...snapshot.steps.filter((step) => step.status === 'succeeded').map((step) => step.nodeId),
      ...events
        .filter((event) => event.type === 'step' && event.data.status === 'succeeded')
        .map((event) => event.data.nodeId),
    ]);
    expect([...done].sort()).toEqual(['after', 'greet', 'start', 'wait']);
    // The step after the 1-second delay cannot have run before the stream opened.
    expect(
      events.some(
        (event) => event.type === 'step' && event.data.nodeId === 'after' && event.data.status === 'succeeded',
      ),
    ).toBe(true);
  });
});

describe('sizes (issue 13, item 5)', () => {
  /** Start ──▶ Boom (a script that throws a message of `chars` characters) */
  const throwing = (chars: number): Graph => ({
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'boom',
        type: 'transform.script',
        name: 'Boom',
        position: { x: 0, y: 100 },
        config: { code: `throw new Error('x'.repeat(${chars}));` },
      },
    ],
    edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'boom' }],
  });

  it('caps a huge error message where it is stored, and lists runs with error summaries only', async () => {
    const id = await workflow(throwing(3_900_000));
    const started = await Promise.all(
      Array.from({ length: 25 }, () => api.call('POST', `/api/v1/workflows/${id}/runs`, { payload: {} })),
    );
    const ids: string[] = started.map((answer) => answer.body.executionId);
    for (const executionId of ids) await until(executionId, ['failed', 'succeeded']);

    const db = storeFile(api.store);
    const stored = db.get<{ steps: number; runs: number }>(
      `select max(length(s.error)) as steps, max(length(e.error)) as runs
       from executions e join step_runs s on s.execution_id = e.id where e.workflow_id = ?`,
      id,
    );
    expect(stored?.steps).toBeLessThan(4000);
    expect(stored?.runs).toBeLessThan(4000);

    const list = await api.call('GET', `/api/v1/executions?workflowId=${id}&limit=200`);
    expect(list.body.items).toHaveLength(25);
    // About 1 kB a run (the 500-character summary and the run's own fields), never its 256 KB error.
    expect(JSON.stringify(list.body).length).toBeLessThan(25 * 1200);
    expect(list.body.items[0]).toMatchObject({
      status: 'failed',
      error: { nodeId: 'boom', nodeName: 'Boom', cut: true },
    });
    expect(list.body.items[0].error.message).toHaveLength(500);

    const detail = await api.call('GET', `/api/v1/executions/${ids[0]}`);
    expect(JSON.stringify(detail.body).length).toBeLessThan(10_000);
    const step = detail.body.steps.find((run: { nodeId: string }) => run.nodeId === 'boom');
    expect(step.error).toMatchObject({ name: 'SandboxError', $truncated: true, retryable: false });
    expect(step.error.originalBytes).toBeGreaterThan(3_900_000);
    expect(step.error.message).toMatch(/^script failed: Error: x{100}.*… \(cut: \d+ bytes in all\)$/s);
    expect(detail.body.error.message).toMatch(/… \(cut: \d+ bytes in all\)$/);
  }, 60_000);

  it('fails a step whose expressions produce more than the limit, naming the node and the field', async () => {
    const fields = Array.from({ length: 200 }, (_, index) => ({
      path: `f${index}`,
      value: `{{ 'x'.repeat(4000000) + ${index} }}`,
    }));
    const graph: Graph = {
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
        { id: 'big', type: 'transform.set', name: 'Big', position: { x: 0, y: 100 }, config: { fields } },
      ],
      edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'big' }],
    };
    const id = await workflow(graph);
    const started = await api.call('POST', `/api/v1/workflows/${id}/runs`, { payload: {} });
    const execution = await until(started.body.executionId, ['failed', 'succeeded']);
    expect(execution.status).toBe('failed');
    const step = execution.steps.find((run: { nodeId: string }) => run.nodeId === 'big');
    // Two fields fit the 8 MiB of a step (4 MB each); the third is refused, once (no retry).
    expect(step.error).toEqual({
      name: 'SandboxError',
      message:
        'node "Big", field fields.2.value: expressions produce more than 8388608 bytes, the limit for all the expressions of a step',
      retryable: false,
    });
    expect(execution.steps.filter((run: { nodeId: string }) => run.nodeId === 'big')).toHaveLength(1);
  }, 60_000);
});
