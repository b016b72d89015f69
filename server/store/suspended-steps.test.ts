import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compiledOf } from '../core/engine/ascii-graph.ts';
import type { CompiledNode } from '../core/engine/compile.ts';
import type { StepResult } from '../core/engine/ports.ts';
import { storeFile, tempStore } from '../testing/store.ts';
import { insertExecution } from './executions.ts';
import { SqliteRunStore } from './run-store.ts';
import { insertWorkflow } from './workflows.ts';

/*
 * Suspended steps on SQLite (docs/architecture.md, invariant "suspended steps"): stored `waiting`
 * with what they wait for, resumed once, canceled with their run.
 *
 *   start ──▶ hold (suspends) ──▶ after
 */
const graph = compiledOf(`
  start: trigger.manual
  hold: transform.set
  after: transform.set
  start -> hold -> after
`);
const node = (id: string) => graph.nodes.get(id) as CompiledNode;

let store: ReturnType<typeof tempStore>;
let runs: SqliteRunStore;
beforeEach(() => {
  store = tempStore();
  runs = new SqliteRunStore(store);
});
afterEach(() => store.cleanup());

const recording = {
  kind: 'unclaimed',
  startedAt: '2030-01-01T00:00:00.000Z',
  jobId: 'j',
  workerId: 'w',
  input: {},
  truncated: false,
} as const;

async function suspendedRun(): Promise<string> {
  const workflow = insertWorkflow(store.db, { name: 'W', draft: { nodes: [], edges: [] } });
  const execution = insertExecution(store.sqlite, {
    workflowId: workflow.id,
    versionId: null,
    trigger: 'manual',
    triggerPayload: {},
  });
  const step = (nodeId: string) => ({ executionId: execution.id, nodeId, scope: '', attempt: 1 });
  await runs.finish({
    step: step('start'),
    graph,
    node: node('start'),
    recording,
    result: { status: 'succeeded', output: {}, port: 'main' },
  });
  const held = await runs.finish({
    step: step('hold'),
    graph,
    node: node('hold'),
    recording,
    result: { status: 'waiting', wait: { kind: 'approval', approvers: ['ops'] }, output: { so: 'far' } },
  });
  // Nothing else runs: the run itself is `waiting` now.
  expect(held).toMatchObject({
    stored: true,
    pending: [],
    events: [
      { nodeId: 'hold', status: 'waiting' },
      { type: 'run', executionId: execution.id, status: 'waiting' },
    ],
  });
  return execution.id;
}

const resume = (executionId: string, result: Exclude<StepResult, { status: 'waiting' }>) =>
  runs.resumeWaiting({
    step: { executionId, nodeId: 'hold', scope: '', attempt: 1 },
    graph,
    node: node('hold'),
    result,
  });

const rowOf = (executionId: string) =>
  storeFile(store).get<{ status: string; wait: string | null; output: string }>(
    "select status, wait, output from step_runs where execution_id = ? and node_id = 'hold'",
    executionId,
  );

describe('a suspended step on SQLite', () => {
  it('is stored waiting with what it waits for, keeps its run going, and is not queued by reconciling', async () => {
    const id = await suspendedRun();
    expect(rowOf(id)).toEqual({
      status: 'waiting',
      wait: '{"kind":"approval","approvers":["ops"]}',
      output: '{"so":"far"}',
    });
    expect(await runs.runStatus(id)).toBe('waiting');
    expect(await runs.reconcile(graph, id)).toEqual([]);
    expect(await runs.settle(graph, id)).toEqual({ pending: [], events: [] });
  });

  it('is resumed once: the first resumption advances the run, a second stores nothing', async () => {
    const id = await suspendedRun();
    const first = await resume(id, { status: 'succeeded', output: { approved: true }, port: 'main' });
    expect(first.stored).toBe(true);
    expect(first.pending).toEqual([{ nodeId: 'after', scope: '', attempt: 1 }]);
    expect(rowOf(id)).toMatchObject({ status: 'succeeded', wait: null, output: '{"approved":true}' });
    const second = await resume(id, { status: 'failed', error: { message: 'too late' } });
    expect(second).toEqual({ pending: [], events: [], stored: false });
    expect(rowOf(id)?.status).toBe('succeeded');
  });

  it('resumed with a failure fails its run', async () => {
    const id = await suspendedRun();
    expect((await resume(id, { status: 'failed', error: { message: 'refused' } })).stored).toBe(true);
    expect(await runs.getExecution(id)).toMatchObject({
      status: 'failed',
      error: { nodeId: 'hold', message: 'refused' },
    });
  });

  it('is canceled with its run and cannot be resumed after', async () => {
    const id = await suspendedRun();
    expect(await runs.cancel(id)).toBe(true);
    expect(rowOf(id)).toMatchObject({ status: 'canceled', wait: null });
    expect((await resume(id, { status: 'succeeded', output: {}, port: 'main' })).stored).toBe(false);
    expect(rowOf(id)?.status).toBe('canceled');
  });
});
