import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from '../core/graph/model.ts';
import { byNode, edge, node, type RecordedRequest, testEngine, testHttpServer, waitUntil } from '../testing/engine.ts';
import { startRun } from './runs.ts';

/*
 * Error paths through the real engine (SQLite, PostgreSQL, a worker, a local HTTP server): each
 * node error mode, a user's retry policy, Stop and error, a run's time limit, and error workflows.
 *
 * The server answers by path: `/404/…` with 404 (not retried), `/<n>x500/…` with 500 for the first
 * n requests then 200, `/slow/…` after 5 s (unless the run is stopped first), anything else 200.
 */
const seen = new Map<string, number>();
function answer(request: RecordedRequest, response: ServerResponse) {
  const path = new URL(request.url, 'http://x').pathname;
  const count = (seen.get(path) ?? 0) + 1;
  seen.set(path, count);
  const send = (status: number) => {
    if (response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status }));
  };
  if (path.startsWith('/404/')) return send(404);
  if (path.startsWith('/slow/')) {
    const timer = setTimeout(() => send(200), 5000);
    response.on('close', () => clearTimeout(timer));
    return;
  }
  const rule = /^\/(\d+)x500\//.exec(path);
  send(rule && count <= Number(rule[1]) ? 500 : 200);
}

let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  http = await testHttpServer(answer);
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

const withSettings = (graphNode: GraphNode, settings: Record<string, unknown>): GraphNode => ({
  ...graphNode,
  settings,
});

//  Start ──▶ Call ─main──▶ After
//             └──error──▶ Alert      (the error edge only when the node routes errors there)
function callGraph(path: string, settings: Record<string, unknown>): Graph {
  const routes = settings.onError === 'error-port';
  return {
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      withSettings(node('call', 'action.http', 'Call', { url: `${http.url}${path}` }), settings),
      node('after', 'transform.set', 'After', {
        fields: [{ path: 'seen', value: "{{ input.error?.message ?? 'none' }}" }],
      }),
      ...(routes
        ? [node('alert', 'transform.set', 'Alert', { fields: [{ path: 'order', value: '{{ input.input.order }}' }] })]
        : []),
    ],
    edges: [edge('start', 'call'), edge('call', 'after'), ...(routes ? [edge('call', 'alert', 'error')] : [])],
  };
}

describe('a node’s error modes', () => {
  it('stop: the run fails with the step’s error', async () => {
    const started = await engine.run(callGraph('/404/stop', { onError: 'stop' }), { order: 1 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatchObject({ nodeId: 'call', nodeName: 'Call' });
    expect(byNode(steps).call).toMatchObject({ status: 'failed', handled: false });
    expect(byNode(steps).after).toBeUndefined();
  });

  it('continue: the error is the output, by the normal port; the run succeeds', async () => {
    const started = await engine.run(callGraph('/404/continue', { onError: 'continue' }), { order: 2 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const call = byNode(steps).call;
    expect(call).toMatchObject({ status: 'failed', handled: true, outputPort: 'main', attempt: 1 });
    expect(call?.output).toEqual({ error: { name: 'NonRetryableError', message: expect.stringContaining('404') } });
    expect(byNode(steps).after?.output).toMatchObject({ seen: expect.stringContaining('404') });
  });

  it('error-port: { error, input } leaves by `error`; the normal branch is skipped', async () => {
    const started = await engine.run(callGraph('/404/routed', { onError: 'error-port' }), { order: 3 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const stored = byNode(steps);
    expect(stored.call).toMatchObject({ status: 'failed', handled: true, outputPort: 'error' });
    expect(stored.call?.output).toMatchObject({
      input: { order: 3 },
      error: { message: expect.stringContaining('404') },
    });
    expect(stored.after?.status).toBe('skipped');
    expect(stored.alert).toMatchObject({ status: 'succeeded', output: { order: 3 } });
    // The execution says it had a handled error (the API's `handledErrors`).
    expect((await engine.repos.executions.labels(started.id)).handledErrors).toBe(1);
  });

  it('handles only the last attempt: a user’s policy of 2 attempts, then the error port', async () => {
    const started = await engine.run(
      callGraph('/5x500/retried', { onError: 'error-port', retry: { attempts: 2, backoff: 'fixed', delayMs: 10 } }),
      { order: 4 },
    );
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const calls = steps.filter((step) => step.nodeId === 'call').sort((a, b) => a.attempt - b.attempt);
    expect(calls.map((step) => [step.attempt, step.status, step.handled])).toEqual([
      [1, 'failed', false],
      [2, 'failed', true],
    ]);
    expect(http.requests.filter((request) => request.url === '/5x500/retried')).toHaveLength(2);
    expect(byNode(steps).alert?.status).toBe('succeeded');
  });
});

describe('Stop and error', () => {
  it('fails the run with its message, evaluated; it is not retried', async () => {
    const started = await engine.run(
      {
        nodes: [
          node('start', 'trigger.manual', 'Start'),
          node('stop', 'flow.stop', 'Stop', { message: 'order {{ input.order }} has no customer' }),
        ],
        edges: [edge('start', 'stop')],
      },
      { order: 42 },
    );
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toEqual({ nodeId: 'stop', nodeName: 'Stop', message: 'order 42 has no customer' });
    expect(steps.filter((step) => step.nodeId === 'stop')).toHaveLength(1);
  });
});

describe('a run’s time limit', () => {
  it('fails a run still going after its cap, and aborts its running step', async () => {
    const graph: Graph = {
      ...callGraph('/slow/capped', { onError: 'stop' }),
      settings: { timeoutSeconds: 1 },
    };
    const started = await engine.run(graph);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toEqual({ message: 'the run exceeded its 1 s time limit' });
    expect(byNode(steps).call?.status).toBe('canceled');
    expect(byNode(steps).after).toBeUndefined();
  });

  it('leaves a run that ends within its cap alone', async () => {
    const graph: Graph = { ...callGraph('/fast/capped', { onError: 'stop' }), settings: { timeoutSeconds: 1 } };
    const started = await engine.run(graph);
    expect((await engine.finished(started.id)).execution.status).toBe('succeeded');
    // Its time-limit job finds it ended: still succeeded once the cap has passed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await engine.repos.executions.get(started.id))?.status).toBe('succeeded');
  });
});

describe('error workflows', () => {
  /** A published workflow starting with an Error trigger, its payload kept by a Set node. */
  async function errorWorkflow(name: string, settings?: Graph['settings']) {
    const graph: Graph = {
      nodes: [
        node('caught', 'trigger.error', 'Caught'),
        node('keep', 'transform.set', 'Keep', { fields: [{ path: 'kept', value: 'yes' }] }),
        ...(settings ? [node('boom', 'flow.stop', 'Boom', { message: 'the error workflow failed too' })] : []),
      ],
      edges: [edge('caught', 'keep'), ...(settings ? [edge('keep', 'boom')] : [])],
      ...(settings ? { settings } : {}),
    };
    const { workflow, version } = engine.workflow(graph, name);
    await engine.repos.workflows.publish({ workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
    return workflow.id;
  }

  async function failing(errorWorkflowId: string, name: string) {
    const graph: Graph = { ...callGraph('/404/watched', { onError: 'stop' }), settings: { errorWorkflowId } };
    return engine.workflow(graph, name);
  }

  const runsOf = (workflowId: string) => engine.repos.executions.list({ workflowId, limit: 10 });

  it('starts on a failed production run, once, with the workflow, link, failed step and error', async () => {
    const catcher = await errorWorkflow('Catcher A');
    const { workflow, version } = await failing(catcher, 'Watched A');
    const run = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    expect((await engine.finished(run.id)).execution.status).toBe('failed');
    await waitUntil('the error workflow ran', async () => (await runsOf(catcher)).length === 1);
    const [errorRun] = await runsOf(catcher);
    const caught = await engine.finished(errorRun?.id as string);
    expect(caught.execution).toMatchObject({ status: 'succeeded', trigger: 'error', errorOf: run.id });
    expect(caught.execution.triggerPayload).toEqual({
      workflow: { id: workflow.id, name: 'Watched A' },
      execution: { id: run.id, url: `/executions/${run.id}`, retryOf: null },
      failedStep: { nodeId: 'call', name: 'Call' },
      error: { message: expect.stringContaining('404') },
    });
    expect(byNode(caught.steps).keep?.output).toMatchObject({ kept: 'yes', failedStep: { name: 'Call' } });
  });

  it('does not start for a test run of the draft, nor for a run that succeeds', async () => {
    const catcher = await errorWorkflow('Catcher B');
    const { workflow } = await failing(catcher, 'Watched B');
    const test = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: null,
      graph: { ...callGraph('/404/test-run', { onError: 'stop' }), settings: { errorWorkflowId: catcher } },
      trigger: 'test',
      payload: {},
    });
    expect((await engine.finished(test.id)).execution.status).toBe('failed');
    const fine = await engine.run({
      ...callGraph('/ok/fine', { onError: 'stop' }),
      settings: { errorWorkflowId: catcher },
    });
    expect((await engine.finished(fine.id)).execution.status).toBe('succeeded');
    // A production run failing afterwards is reported: nothing was left queued for the others.
    const { version } = engine.workflow(
      { ...callGraph('/404/after', { onError: 'stop' }), settings: { errorWorkflowId: catcher } },
      'Watched B2',
    );
    const failed = await startRun(engine.runs, {
      workflowId: version.workflowId,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    await engine.finished(failed.id);
    await waitUntil('the error workflow ran', async () => (await runsOf(catcher)).length === 1);
    expect((await runsOf(catcher)).map((each) => each.errorOf)).toEqual([failed.id]);
  });

  it('an error workflow that fails does not start its own error workflow', async () => {
    const self = await errorWorkflow('Catcher C', {});
    // Catcher C fails (Boom) and names itself as its error workflow.
    const graph = {
      ...((await engine.repos.workflows.versionGraph(
        (
          await engine.repos.workflows.get(self)
        )?.publishedVersionId as string,
      )) as Graph),
      settings: { errorWorkflowId: self },
    };
    const version = await engine.repos.workflows.insertVersion({ workflowId: self, graph });
    await engine.repos.workflows.publish({ workflowId: self, versionId: version.id, versionNumber: version.number });
    const { workflow, version: watched } = await failing(self, 'Watched C');
    const run = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: watched.id,
      trigger: 'manual',
      payload: {},
    });
    await engine.finished(run.id);
    await waitUntil('the error workflow ran', async () => (await runsOf(self)).length === 1);
    const [errorRun] = await runsOf(self);
    expect((await engine.finished(errorRun?.id as string)).execution.status).toBe('failed');
    // Its own failure queued a report, which started nothing: still one run of Catcher C.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await runsOf(self)).toHaveLength(1);
  });
});
