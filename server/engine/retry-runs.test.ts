import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { publishVersion } from '../store/publications.ts';
import { insertVersion } from '../store/versions.ts';
import { byNode, edge, node, testEngine, testHttpServer } from '../testing/engine.ts';
import { RunConflict, retryRun, startRun } from './runs.ts';

/** `/lookup` counts its calls; a path in `broken` answers 404, any other path echoes its JSON body. */
const broken = new Set<string>();
let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  http = await testHttpServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path === '/lookup') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ email: 'ada@example.com', calls: http.requests.filter(isLookup).length }));
    } else if (!broken.has(path)) {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accepted: JSON.parse(request.body) }));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('no such order yet');
    }
  });
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

const isLookup = (request: { url: string }) => request.url.startsWith('/lookup');
const lookups = () => http.requests.filter(isLookup).length;

//  Start ──▶ Lookup (http, counted) ──▶ Submit (http, 404 at first) ──▶ Done
const graph = (doneValue: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('lookup', 'action.http', 'Lookup', { url: `${http.url}/lookup?order={{ input.order }}` }),
    node('submit', 'action.http', 'Submit', {
      method: 'POST',
      url: `${http.url}/submit`,
      body: { order: '{{ trigger.order }}', email: '{{ input.body.email }}' },
    }),
    node('done', 'transform.set', 'Done', {
      fields: [
        { path: 'email', value: '{{ steps.Lookup.output.body.email }}' },
        { path: 'version', value: doneValue },
      ],
      keepInput: false,
    }),
  ],
  edges: [edge('start', 'lookup'), edge('lookup', 'submit'), edge('submit', 'done')],
});

describe('retrying a run', () => {
  it('resumes from the failed step, or starts fresh on the published version', async () => {
    broken.add('/submit');
    const { workflow, version } = engine.workflow(graph('v1'));
    const original = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: { order: 42 },
    });
    const failed = await engine.finished(original.id);
    expect(failed.execution.status).toBe('failed');
    expect(failed.execution.error).toMatchObject({ nodeId: 'submit', nodeName: 'Submit' });
    expect(failed.steps.map((step) => [step.nodeId, step.status])).toEqual([
      ['start', 'succeeded'],
      ['lookup', 'succeeded'],
      ['submit', 'failed'],
    ]);
    const lookupsBefore = lookups();

    // A fresh retry needs a published version; none is yet.
    await expect(retryRun(engine.runs, original.id, 'fresh')).rejects.toThrow(RunConflict);

    // From the failure: earlier steps are copied, not run again; the failed one runs again.
    broken.delete('/submit');
    const resumed = await retryRun(engine.runs, original.id, 'from-failure');
    expect(resumed.id).not.toBe(original.id);
    expect(resumed).toMatchObject({ retryOf: original.id, trigger: 'retry', versionId: version.id });
    const second = await engine.finished(resumed.id);
    expect(second.execution.status).toBe('succeeded');
    expect(second.execution.triggerPayload).toEqual({ order: 42 });
    expect(second.steps.map((step) => [step.nodeId, step.attempt, step.status, step.reused])).toEqual([
      ['start', 1, 'succeeded', true],
      ['lookup', 1, 'succeeded', true],
      ['submit', 1, 'succeeded', false],
      ['done', 1, 'succeeded', false],
    ]);
    expect(lookups()).toBe(lookupsBefore);
    const resumedNodes = byNode(second.steps);
    const originalNodes = byNode(failed.steps);
    expect(resumedNodes.lookup?.output).toEqual(originalNodes.lookup?.output);
    expect(resumedNodes.submit?.input).toEqual(originalNodes.lookup?.output);
    expect(resumedNodes.submit?.output).toMatchObject({
      status: 201,
      body: { accepted: { order: 42, email: 'ada@example.com' } },
    });
    expect(resumedNodes.done?.output).toEqual({ email: 'ada@example.com', version: 'v1' });
    const submits = http.requests.filter((request) => request.url === '/submit');
    // The same request as the failed one to the receiver: the key comes from the retry chain's first run.
    expect(submits.map((request) => request.headers['idempotency-key'])).toEqual(
      submits.map(() => `${original.id}:submit`),
    );
    expect(resumed.retryChain).toBe(original.id);
    // The original run keeps its own history.
    expect((await engine.finished(original.id)).steps).toEqual(failed.steps);

    // A run is retried once: asking again, in either mode, names the retry to go on from.
    const again = await retryRun(engine.runs, original.id, 'from-failure').catch((error: unknown) => error);
    expect(again).toBeInstanceOf(RunConflict);
    expect(again).toMatchObject({ details: { retriedAs: resumed.id } });

    // Fresh: the published version (a newer one here), every step run again. Another failed run,
    // since the first one has its retry.
    broken.add('/submit');
    const failedAgain = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: { order: 42 },
    });
    expect((await engine.finished(failedAgain.id)).execution.status).toBe('failed');
    broken.delete('/submit');
    const lookupsBeforeFresh = lookups();
    const v2 = insertVersion(engine.store.db, { workflowId: workflow.id, graph: graph('v2') });
    publishVersion(engine.store.db, { workflowId: workflow.id, versionId: v2.id, versionNumber: v2.number });
    await expect(retryRun(engine.runs, original.id, 'fresh')).rejects.toThrow(`already retried as ${resumed.id}`);
    const fresh = await retryRun(engine.runs, failedAgain.id, 'fresh');
    expect(fresh).toMatchObject({ retryOf: failedAgain.id, trigger: 'retry', versionId: v2.id });
    const third = await engine.finished(fresh.id);
    expect(third.execution.status).toBe('succeeded');
    expect(third.steps.map((step) => [step.nodeId, step.attempt, step.status, step.reused])).toEqual([
      ['start', 1, 'succeeded', false],
      ['lookup', 1, 'succeeded', false],
      ['submit', 1, 'succeeded', false],
      ['done', 1, 'succeeded', false],
    ]);
    expect(lookups()).toBe(lookupsBeforeFresh + 1);
    expect(byNode(third.steps).done?.output).toEqual({ email: 'ada@example.com', version: 'v2' });
    expect(fresh.retryChain).toBe(failedAgain.id);
    expect(http.requests.filter((request) => request.url === '/submit').at(-1)?.headers['idempotency-key']).toBe(
      `${failedAgain.id}:submit`,
    );

    // A run that succeeded cannot be retried, in either mode.
    await expect(retryRun(engine.runs, resumed.id, 'from-failure')).rejects.toThrow(RunConflict);
    await expect(retryRun(engine.runs, fresh.id, 'fresh')).rejects.toThrow(RunConflict);
    await expect(retryRun(engine.runs, 'no-such-execution', 'from-failure')).rejects.toThrow(RunConflict);
  });
});

describe('retrying a run that failed on a branch', () => {
  it('copies the skipped branch too, and the merge after it runs with the resumed branch only', async () => {
    //                    ┌─true──▶ Submit (http, 404 at first) ──┐
    //  Start ──▶ VIP? ───┤                                       ├──▶ Join ──▶ Done
    //                    └─false─▶ Note ─────────────────────────┘
    const branched: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('vip', 'condition.if', 'VIP?', { rules: [{ left: '{{ input.vip }}', operator: 'isTrue' }] }),
        node('submit', 'action.http', 'Submit', { method: 'POST', url: `${http.url}/vip`, body: { vip: true } }),
        node('note', 'transform.set', 'Note', { fields: [{ path: 'note', value: 'ordinary' }] }),
        node('join', 'flow.merge', 'Join'),
        node('done', 'transform.set', 'Done', { fields: [{ path: 'done', value: 'yes' }] }),
      ],
      edges: [
        edge('start', 'vip'),
        edge('vip', 'submit', 'true'),
        edge('vip', 'note', 'false'),
        edge('submit', 'join'),
        edge('note', 'join'),
        edge('join', 'done'),
      ],
    };
    broken.add('/vip');
    const original = await engine.run(branched, { vip: true });
    const failed = await engine.finished(original.id);
    expect(failed.execution.status).toBe('failed');
    expect(byNode(failed.steps).note?.status).toBe('skipped');

    broken.delete('/vip');
    const resumed = await retryRun(engine.runs, original.id, 'from-failure');
    const { execution, steps } = await engine.finished(resumed.id);
    expect(execution.status).toBe('succeeded');
    expect(Object.fromEntries(steps.map((step) => [step.nodeId, [step.status, step.reused]]))).toEqual({
      start: ['succeeded', true],
      vip: ['succeeded', true],
      note: ['skipped', true],
      submit: ['succeeded', false],
      join: ['succeeded', false],
      done: ['succeeded', false],
    });
    const nodes = byNode(steps);
    expect(nodes.join?.input).toEqual({
      Submit: expect.objectContaining({ status: 201, body: { accepted: { vip: true } } }),
    });
    expect(nodes.done?.output).toMatchObject({ Submit: { status: 201 }, done: 'yes' });
  });
});
