import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph.ts';
import { SandboxPool } from '../sandbox/pool.ts';
import { GraphCache } from './graphs.ts';
import { STEP_TASK } from './queue.ts';
import { startRun } from './runs.ts';
import { createStepRunner } from './step-runner.ts';
import { edge, node, stepRunsNow, testEngine, testHttpServer, waitUntil } from './test-engine.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let slow: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine({ concurrency: 4 });
  await engine.startWorker();
  slow = await testHttpServer((_, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"slow":true}');
    }, 400);
  });
});
afterAll(async () => {
  await engine?.close();
  await slow?.close();
});

/**
 *   Start ──▶ Call (answers after 400 ms)
 */
const slowCall = (): Graph => ({
  nodes: [node('start', 'trigger.manual', 'Start'), node('call', 'action.http', 'Call', { url: `${slow.url}/slow` })],
  edges: [edge('start', 'call')],
});

describe('claiming a step', () => {
  it('ignores a second job for a step that another job is running', async () => {
    const started = await engine.run(slowCall());
    await waitUntil('the call is running', () =>
      stepRunsNow(engine.store, started.id).some((step) => step.nodeId === 'call' && step.status === 'running'),
    );
    // A duplicate job for the same attempt, without a key, so the queue cannot merge it away.
    await engine.pgPool.query('select graphile_worker.add_job($1, $2::json)', [
      STEP_TASK,
      JSON.stringify({ executionId: started.id, nodeId: 'call', attempt: 1 }),
    ]);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(slow.requests.filter((request) => request.headers['idempotency-key'] === `${started.id}:call`)).toHaveLength(
      1,
    );
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1);
    await waitUntil('the duplicate job is gone', async () => {
      const { rows } = await engine.pgPool.query('select count(*)::int as n from graphile_worker.jobs');
      return (rows[0] as { n: number }).n === 0;
    });
  });

  it('lets the job that claimed a step run it again when the queue retries it after a crash', async () => {
    // Two runners sharing the store: the first claims the step with job "7" and "dies" (its
    // execution never finishes); the queue retries job "7", which takes the attempt over.
    const { workflow, version } = engine.workflow(slowCall());
    const execution = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    await engine.finished(execution.id).catch(() => undefined);
    const sandbox = new SandboxPool();
    const runner = (workerId: string) =>
      createStepRunner({
        store: engine.store,
        pgPool: engine.pgPool,
        sandbox,
        graphs: new GraphCache(),
        workerId,
        log: engine.log,
      });
    // Reopen the finished run's call step as if a worker had crashed mid-way through attempt 2.
    engine.store.sqlite
      .prepare("update executions set status = 'running', finished_at = null where id = ?")
      .run(execution.id);
    engine.store.sqlite
      .prepare(
        "insert into step_runs (id, execution_id, node_id, attempt, status, worker_id, job_id, started_at) values ('r2', ?, 'call', 2, 'running', 'dead-worker', '7', ?)",
      )
      .run(execution.id, new Date().toISOString());
    engine.store.sqlite
      .prepare(
        "update step_runs set status = 'failed', retry_at = ? where execution_id = ? and node_id = 'call' and attempt = 1",
      )
      .run(new Date().toISOString(), execution.id);
    const before = slow.requests.length;

    await runner('other-worker')({ executionId: execution.id, nodeId: 'call', attempt: 2 }, '8');
    expect(slow.requests.length).toBe(before); // a different job: a duplicate, left alone

    await runner('retrying-worker')({ executionId: execution.id, nodeId: 'call', attempt: 2 }, '7');
    expect(slow.requests.length).toBe(before + 1); // the same job: takes the attempt over
    const attempt2 = stepRunsNow(engine.store, execution.id).find(
      (step) => step.nodeId === 'call' && step.attempt === 2,
    );
    expect(attempt2).toMatchObject({ status: 'succeeded', workerId: 'retrying-worker', jobId: '7' });
    sandbox.dispose();
  });
});
