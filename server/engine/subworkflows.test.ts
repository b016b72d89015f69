import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { publishVersion } from '../store/publications.ts';
import { insertVersion } from '../store/versions.ts';
import { insertWorkflow } from '../store/workflows.ts';
import { byNode, edge, executionNow, node, stepRunsNow, testEngine, waitUntil } from '../testing/engine.ts';
import { cancelRun, retryRun, startRun } from './runs.ts';
import { cancelRunWithChildren, returnEndedChildren } from './subworkflows.ts';
import type { EngineWorker } from './worker.ts';

/*
 * Sub-workflow runs on the real engine (SQLite, PostgreSQL, a worker with isolates): a parent's
 * `flow.subworkflow` step starts a child run and, waiting, suspends until the child ends.
 *
 *   Orders:  Start ──▶ Enrich (flow.subworkflow) ──▶ Done
 *   Enrich:  Start ──▶ Lookup (script: fails when input.fail) ──▶ Tag (set)
 */
let engine: Awaited<ReturnType<typeof testEngine>>;
let worker: EngineWorker;
const MAX_DEPTH = 3;
beforeAll(async () => {
  engine = await testEngine();
  worker = await engine.startWorker({ subworkflowMaxDepth: MAX_DEPTH });
});
afterAll(async () => {
  await engine?.close();
});

const enrichGraph = (tag: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('lookup', 'transform.script', 'Lookup', {
      code: "if (input.fail) throw new Error('no such customer ' + input.id); return { ...input, customer: 'Ada' };",
    }),
    node('tag', 'transform.set', 'Tag', { fields: [{ path: 'tag', value: tag }] }),
  ],
  edges: [edge('start', 'lookup'), edge('lookup', 'tag')],
});

/** A workflow with `graph` as version 1, published. */
function published(graph: Graph, name: string) {
  const { workflow, version } = engine.workflow(graph, name);
  publishVersion(engine.store.db, { workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
  return { workflow, version };
}

function ordersGraph(calleeId: string, config: Record<string, unknown> = {}): Graph {
  return {
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('enrich', 'flow.subworkflow', 'Enrich', { workflowId: calleeId, ...config }),
      node('done', 'transform.set', 'Done', { fields: [{ path: 'done', value: '{{ true }}' }] }),
    ],
    edges: [edge('start', 'enrich'), edge('enrich', 'done')],
  };
}

async function runOrders(graph: Graph, payload: unknown) {
  const { workflow, version } = engine.workflow(graph, 'Orders');
  return startRun(engine.runs, { workflowId: workflow.id, versionId: version.id, trigger: 'manual', payload });
}

/** A callee that waits (a delay of `amount` `unit`) before its last step sets `fields`. */
const delayedGraph = (amount: number, unit: 'seconds' | 'days', fields: unknown[] = []): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('wait', 'flow.delay', 'Wait', { amount, unit }),
    node('after', 'transform.set', 'After', { fields }),
  ],
  edges: [edge('start', 'wait'), edge('wait', 'after')],
});

/** Until the calling step of `runId` is suspended on its child. */
const parentWaits = (runId: string) =>
  waitUntil('the parent step waits', () => byNode(stepRunsNow(engine.store, runId)).enrich?.status === 'waiting');

const childrenOf = (executionId: string) => engine.repos.executions.list({ parentExecutionId: executionId, limit: 50 });

describe('a sub-workflow step', () => {
  it('in wait mode passes on the child run’s result, and the two runs link to each other', async () => {
    const enrich = published(enrichGraph('vip'), 'Enrich');
    const run = await runOrders(ordersGraph(enrich.workflow.id, { input: { id: '{{ input.id }}' } }), { id: 7 });
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    const step = byNode(steps);
    // The child's result: its last succeeded step in graph order (Tag).
    expect(step.enrich?.output).toEqual({ id: 7, customer: 'Ada', tag: 'vip' });
    expect(step.done?.input).toEqual({ id: 7, customer: 'Ada', tag: 'vip' });

    const [child] = await childrenOf(run.id);
    expect(child).toBeDefined();
    const stored = executionNow(engine.store, child?.id as string);
    expect(stored).toMatchObject({
      trigger: 'subworkflow',
      triggerPayload: { id: 7 },
      status: 'succeeded',
      versionId: enrich.version.id,
      parentExecutionId: run.id,
      parentNodeId: 'enrich',
      parentScope: '',
      parentAttempt: 1,
      callDepth: 1,
    });
    // How the execution answers link them (GET /executions/:id: `parent`, and each step's `child`).
    expect(await engine.repos.executions.family(child?.id as string)).toEqual({
      parent: { executionId: run.id, workflowId: run.workflowId, workflowName: 'Orders', nodeId: 'enrich' },
      children: [],
    });
    expect(await engine.repos.executions.family(run.id)).toEqual({
      parent: null,
      children: [{ executionId: child?.id, status: 'succeeded', nodeId: 'enrich', scope: '', attempt: 1 }],
    });
  });

  it('in start mode outputs the child’s execution id at once and does not wait for it', async () => {
    const enrich = published(enrichGraph('later'), 'Enrich (started)');
    const run = await runOrders(ordersGraph(enrich.workflow.id, { mode: 'start' }), { id: 8 });
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    const childId = (byNode(steps).enrich?.output as { executionId: string } | undefined)?.executionId as string;
    expect(executionNow(engine.store, childId)?.parentExecutionId).toBe(run.id);
    expect((await engine.finished(childId)).execution.status).toBe('succeeded');
    // Nothing waited: the parent's step is not resumed with the child's result afterwards.
    expect(byNode(stepRunsNow(engine.store, run.id)).enrich?.output).toEqual({ executionId: childId });
  });

  it('fails with the child’s error when the child fails; retrying the run from the failure starts a new child', async () => {
    const enrich = published(enrichGraph('v1'), 'Enrich (failing)');
    const run = await runOrders(ordersGraph(enrich.workflow.id), { id: 9, fail: true });
    const failed = await engine.finished(run.id);
    expect(failed.execution.status).toBe('failed');
    const [firstChild] = await childrenOf(run.id);
    expect(byNode(failed.steps).enrich).toMatchObject({
      status: 'failed',
      error: {
        name: 'SubworkflowFailed',
        childExecutionId: firstChild?.id,
        message: expect.stringMatching(/failed at "Lookup": .*no such customer 9/),
      },
    });
    expect(byNode(failed.steps).done).toBeUndefined();

    // The callee is fixed (version 2 ignores `fail`) and published; the retry calls it anew.
    const fixed = insertVersion(engine.store.db, {
      workflowId: enrich.workflow.id,
      graph: {
        ...enrichGraph('v2'),
        nodes: enrichGraph('v2').nodes.map((n) =>
          n.id === 'lookup' ? { ...n, config: { code: 'return input;' } } : n,
        ),
      },
    });
    publishVersion(engine.store.db, { workflowId: enrich.workflow.id, versionId: fixed.id, versionNumber: 2 });
    const retry = await retryRun(engine.runs, run.id, 'from-failure');
    const retried = await engine.finished(retry.id);
    expect(retried.execution.status).toBe('succeeded');
    const [secondChild] = await childrenOf(retry.id);
    expect(secondChild?.id).not.toBe(firstChild?.id);
    expect(byNode(retried.steps).enrich?.output).toEqual({ id: 9, fail: true, tag: 'v2' });
  });

  it('refuses calls nested deeper than the depth limit, failing the deepest step with a clear error', async () => {
    // A workflow that calls itself (the API refuses to save this; the depth limit is the run-time guard).
    const workflow = insertWorkflow(engine.store.db, { name: 'Recursive', draft: { nodes: [], edges: [] } });
    const graph = ordersGraph(workflow.id);
    const version = insertVersion(engine.store.db, { workflowId: workflow.id, graph });
    publishVersion(engine.store.db, { workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
    const run = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    const { execution } = await engine.finished(run.id, 30_000);
    expect(execution.status).toBe('failed');
    // Down the chain: depth 1, 2, 3; the run at depth 3 may not call a fourth.
    let deepest = run.id;
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      const [child] = await childrenOf(deepest);
      expect(executionNow(engine.store, child?.id as string)?.callDepth).toBe(depth);
      deepest = child?.id as string;
    }
    expect(await childrenOf(deepest)).toEqual([]);
    expect(byNode(stepRunsNow(engine.store, deepest)).enrich?.error).toMatchObject({
      message: expect.stringContaining(`sub-workflow calls nest deeper than ${MAX_DEPTH}`),
    });
    expect(execution.error).toMatchObject({ nodeId: 'enrich', message: expect.stringContaining('nest deeper than') });
  });

  it('a parent left waiting when its child ended (a crash in between) is resumed at start', async () => {
    const slow = delayedGraph(1, 'days');
    const callee = published(slow, 'Slow');
    const run = await runOrders(ordersGraph(callee.workflow.id), {});
    await parentWaits(run.id);
    const [child] = await childrenOf(run.id);
    // The child's first job done (its delay stored, its next step due in a day), so no job of it
    // runs after the cancel and tells the parent.
    await waitUntil(
      'the child reached its delay',
      () => byNode(stepRunsNow(engine.store, child?.id as string)).wait?.status === 'succeeded',
    );
    // Ended without telling its parent, as a crash right after the child's end would leave it.
    expect(await cancelRun(engine.runs, child?.id as string)).toBe(true);
    expect(byNode(stepRunsNow(engine.store, run.id)).enrich?.status).toBe('waiting');

    expect(await returnEndedChildren(engine.runs)).toBe(1);
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('failed');
    expect(byNode(steps).enrich?.error).toMatchObject({ message: expect.stringContaining('was canceled') });
    expect(await returnEndedChildren(engine.runs)).toBe(0);
  });

  it('a parent waiting across a worker restart resumes when its child ends', async () => {
    const later = delayedGraph(1, 'seconds', [{ path: 'late', value: '{{ true }}' }]);
    const callee = published(later, 'Later');
    const run = await runOrders(ordersGraph(callee.workflow.id), { id: 1 });
    await parentWaits(run.id);
    await engine.stopWorker(worker);
    worker = await engine.startWorker({ subworkflowMaxDepth: MAX_DEPTH });
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    expect(byNode(steps).enrich?.output).toEqual({ id: 1, late: true });
  });

  it('canceling the parent cancels the child it waits for', async () => {
    const slow = delayedGraph(1, 'days');
    const callee = published(slow, 'Slow 2');
    const run = await runOrders(ordersGraph(callee.workflow.id), {});
    await parentWaits(run.id);
    const [child] = await childrenOf(run.id);
    expect(await cancelRunWithChildren(engine.runs, run.id)).toBe(true);
    expect(executionNow(engine.store, child?.id as string)?.status).toBe('canceled');
    expect(byNode(stepRunsNow(engine.store, run.id)).enrich?.status).toBe('canceled');
  });

  it('fails at once, naming the field, when the workflow has no published version', async () => {
    const { workflow } = engine.workflow(enrichGraph('x'), 'Unpublished');
    const run = await runOrders(ordersGraph(workflow.id), {});
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('failed');
    expect(byNode(steps).enrich?.error).toMatchObject({
      message: 'config.workflowId: workflow "Unpublished" has no published version',
    });
    expect(await childrenOf(run.id)).toEqual([]);
  });
});
