import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { edge, node, stepRunsNow, testEngine, testHttpServer, waitUntil } from '../testing/engine.ts';
import { engineRecords } from '../testing/store.ts';
import { addStepJobs } from './queue.ts';
import { cancelRun } from './runs.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  http = await testHttpServer();
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

const set = (id: string, name: string, value: string) =>
  node(id, 'transform.set', name, { fields: [{ path: id, value }] });

/**
 *   Start ──▶ A (set) ──▶ Check (if) ─true─▶ Script ──▶ Call (http) ──▶ After (set)
 *                                   ─false─▶ Never (set)
 */
const chain = (url: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    set('a', 'A', 'one'),
    node('check', 'condition.if', 'Check', { rules: [{ left: '{{ input.a }}', operator: 'equals', right: 'one' }] }),
    node('script', 'transform.script', 'Script', { code: 'return { doubled: input.a + input.a };' }),
    set('never', 'Never', 'x'),
    node('call', 'action.http', 'Call', { url }),
    set('after', 'After', 'done'),
  ],
  edges: [
    edge('start', 'a'),
    edge('a', 'check'),
    edge('check', 'script', 'true'),
    edge('check', 'never', 'false'),
    edge('script', 'call'),
    edge('call', 'after'),
  ],
});

/** How many queue jobs ran each step: steps a job ran inline carry that job's id. */
const jobsOf = (steps: ReturnType<typeof stepRunsNow>) =>
  Object.fromEntries(steps.filter((step) => step.status !== 'skipped').map((step) => [step.nodeId, step.jobId]));

describe('pure steps', () => {
  it('run inline in the job that made them ready: a job only for the trigger and the action', async () => {
    const started = await engine.run(chain(`${http.url}/call`));
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(steps.map((step) => [step.nodeId, step.status])).toEqual([
      ['start', 'succeeded'],
      ['a', 'succeeded'],
      ['check', 'succeeded'],
      ['never', 'skipped'],
      ['script', 'succeeded'],
      ['call', 'succeeded'],
      ['after', 'succeeded'],
    ]);
    const jobs = jobsOf(steps);
    // The trigger's job ran A, Check and Script; the action had a job of its own, which ran After.
    expect(new Set([jobs.start, jobs.a, jobs.check, jobs.script]).size).toBe(1);
    expect(jobs.call).not.toBe(jobs.start);
    expect(jobs.after).toBe(jobs.call);
    // Every step is stored as it was before, with its own input, output and timing.
    const script = steps.find((step) => step.nodeId === 'script');
    expect(script?.input).toEqual({ a: 'one' });
    expect(script?.output).toEqual({ doubled: 'oneone' });
    expect(script?.finishedAt).not.toBeNull();
  });

  it('left unrecorded by a crash are run by the job run again, and only those', async () => {
    // As if a worker had stored Start and A, then died before Check: its job, run again, finds
    // Start settled and carries on from what is stored.
    const { workflow, version } = engine.workflow(chain(`${http.url}/call`));
    const execution = engineRecords(engine.store).insertExecution({
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      triggerPayload: {},
    });
    const startedAt = new Date().toISOString();
    const recorded = (nodeId: string, output: unknown) =>
      engineRecords(engine.store).insertFinishedStepRun(
        {
          executionId: execution.id,
          nodeId,
          scope: '',
          attempt: 1,
          workerId: 'dead',
          jobId: 'dead-job',
          input: {},
          truncated: false,
          startedAt,
        },
        { status: 'succeeded', output, port: 'main' },
      );
    recorded('start', {});
    recorded('a', { a: 'one' });
    await addStepJobs(engine.pgPool, [{ executionId: execution.id, nodeId: 'start', scope: '', attempt: 1 }]);
    const { execution: ended, steps } = await engine.finished(execution.id);
    expect(ended.status).toBe('succeeded');
    expect(steps.filter((step) => step.nodeId === 'start' || step.nodeId === 'a').map((step) => step.workerId)).toEqual(
      ['dead', 'dead'],
    );
    expect(steps.filter((step) => step.status !== 'skipped')).toHaveLength(6);
    expect(new Set(steps.map((step) => `${step.nodeId}:${step.attempt}`)).size).toBe(steps.length);
    expect(steps.find((step) => step.nodeId === 'check')?.workerId).not.toBe('dead');
  });

  it('store nothing more once the run is canceled mid-chain', async () => {
    // Pure steps that never end by themselves (within the test): the cancel lands while the
    // first runs (or before it starts), and the second never starts.
    const slowScript = (id: string, name: string) =>
      node(id, 'transform.script', name, { code: 'for (;;) {}', timeoutMs: 30_000 });
    const graph: Graph = {
      nodes: [node('start', 'trigger.manual', 'Start'), slowScript('first', 'First'), slowScript('second', 'Second')],
      edges: [edge('start', 'first'), edge('first', 'second')],
    };
    const started = await engine.run(graph);
    await waitUntil('the first slow step runs', async () =>
      stepRunsNow(engine.store, started.id).some((step) => step.nodeId === 'start'),
    );
    expect(await cancelRun(engine.runs, started.id)).toBe(true);
    // The chain's job ends once the cancel has stopped its script: after that nothing of the run is left to run.
    await waitUntil('the chain has let go of the run', async () => {
      const { rows } = await engine.pgPool.query('select 1 from graphile_worker.jobs where key like $1', [
        `step:${started.id}:%`,
      ]);
      return rows.length === 0;
    });
    expect(stepRunsNow(engine.store, started.id).map((step) => step.nodeId)).toEqual(['start']);
  });
});
