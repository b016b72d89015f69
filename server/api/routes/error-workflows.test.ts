import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../core/graph/model.ts';
import { EventHub } from '../../engine/event-hub.ts';
import { createRunService } from '../../runs/service.ts';
import { type TestApi, testApi } from '../../testing/api.ts';
import { testEngine } from '../../testing/engine.ts';

/*
 * Error workflows through the API: naming one in a workflow's settings (checked when a version is
 * saved) and "Send a test error" (POST /workflows/:id/test-error), with the real engine.
 */

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

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({
  id,
  type,
  name: id.charAt(0).toUpperCase() + id.slice(1),
  position: { x: 0, y: 0 },
  config,
});

//  Caught (Error trigger) ──▶ Keep
const catcher: Graph = {
  nodes: [node('caught', 'trigger.error'), node('keep', 'transform.set')],
  edges: [{ id: 'e1', source: 'caught', sourcePort: 'main', target: 'keep' }],
};

//  Start ──▶ Greet, naming an error workflow in its settings
const watched = (errorWorkflowId: string): Graph => ({
  nodes: [node('start', 'trigger.manual'), node('greet', 'transform.set')],
  edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'greet' }],
  settings: { errorWorkflowId, timeoutSeconds: 60 },
});

async function workflow(name: string, graph: Graph, publish: boolean): Promise<string> {
  const { id } = (await api.call('POST', '/api/v1/workflows', { name, graph })).body;
  if (publish) {
    expect((await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true })).status).toBe(201);
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
  }
  return id;
}

describe('naming an error workflow', () => {
  it('saves a version naming a workflow that starts with an Error trigger; the settings are versioned', async () => {
    const errors = await workflow('Errors 1', catcher, true);
    const id = await workflow('Watched 1', watched(errors), false);
    const saved = await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
    expect(saved.status).toBe(201);
    expect(saved.body.graph.settings).toEqual({ errorWorkflowId: errors, timeoutSeconds: 60 });
  });

  it('refuses (422) a workflow that does not exist, itself, or one without an Error trigger', async () => {
    const plain = await workflow('Plain 1', watched('00000000-0000-4000-8000-000000000000'), false);
    const problemsOf = async (graph: Graph) => {
      const answer = await api.call('POST', `/api/v1/workflows/${plain}/versions`, { graph });
      expect(answer.status).toBe(422);
      return answer.body.error.details.problems;
    };
    expect(await problemsOf(watched('00000000-0000-4000-8000-000000000000'))).toEqual([
      {
        code: 'invalid_settings',
        field: 'settings.errorWorkflowId',
        message: 'Error workflow: there is no workflow 00000000-0000-4000-8000-000000000000',
      },
    ]);
    expect((await problemsOf(watched(plain)))[0].message).toBe(
      'Error workflow: a workflow cannot be its own error workflow',
    );
    const other = await workflow('Other 1', watched(plain), false);
    expect((await problemsOf(watched(other)))[0].message).toBe(
      'Error workflow: "Other 1" does not start with an Error trigger',
    );
  });

  it('refuses (400) a time limit out of bounds', async () => {
    const id = await workflow('Bounds 1', catcher, false);
    const answer = await api.call('PUT', `/api/v1/workflows/${id}/draft`, {
      graph: { ...catcher, settings: { timeoutSeconds: 0 } },
    });
    expect(answer.status).toBe(400);
  });
});

describe('POST /workflows/:id/test-error', () => {
  it('starts the error workflow with a sample marked test, failing nothing', async () => {
    const errors = await workflow('Errors 2', catcher, true);
    const id = await workflow('Watched 2', watched(errors), true);
    const sent = await api.call('POST', `/api/v1/workflows/${id}/test-error`, {});
    expect(sent.status).toBe(201);
    let execution: { status: string; trigger: string; triggerPayload: unknown; workflowId: string } | undefined;
    for (let tries = 0; tries < 300 && !['succeeded', 'failed'].includes(execution?.status ?? ''); tries++) {
      execution = (await api.call('GET', `/api/v1/executions/${sent.body.executionId}`)).body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(execution).toMatchObject({ status: 'succeeded', trigger: 'error', workflowId: errors });
    expect(execution?.triggerPayload).toEqual({
      test: true,
      workflow: { id, name: 'Watched 2' },
      execution: { id: 'test-execution', url: '/executions/test-execution', retryOf: null },
      failedStep: { nodeId: 'test-node', name: 'Test step' },
      error: { message: 'This is a test error from "Send a test error"' },
    });
    // Nothing of the watched workflow ran or failed.
    expect((await api.call('GET', `/api/v1/executions?workflowId=${id}`)).body.items).toEqual([]);
  });

  it('tries the error workflow the dialog names before it is saved, and says what is missing', async () => {
    const errors = await workflow('Errors 3', catcher, true);
    const unpublished = await workflow('Errors 3b', catcher, false);
    const id = await workflow('Watched 3', catcher, false);
    expect((await api.call('POST', `/api/v1/workflows/${id}/test-error`, {})).body.error).toMatchObject({
      code: 'no_error_workflow',
      message: 'the workflow names no error workflow in its settings',
    });
    expect(
      (await api.call('POST', `/api/v1/workflows/${id}/test-error`, { errorWorkflowId: unpublished })).body.error
        .message,
    ).toBe('"Errors 3b" has no published version starting with an Error trigger; publish one first');
    const sent = await api.call('POST', `/api/v1/workflows/${id}/test-error`, { errorWorkflowId: errors });
    expect(sent.status).toBe(201);
  });

  it('is an admin’s: analysts and operators may not start runs of published versions', async () => {
    const errors = await workflow('Errors 4', catcher, true);
    const id = await workflow('Watched 4', watched(errors), false);
    for (const as of ['analyst', 'operator'] as const) {
      const refused = await api.call('POST', `/api/v1/workflows/${id}/test-error`, {}, { as });
      expect(refused.status).toBe(403);
    }
  });
});
