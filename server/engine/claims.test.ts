import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphCache } from '../core/engine/graph-cache.ts';
import type { Graph } from '../core/graph/model.ts';
import { SandboxPool } from '../sandbox/pool.ts';
import { edge, node, stepRunsNow, testEngine, testHttpServer, waitUntil } from '../testing/engine.ts';
import { engineRecords, storeFile } from '../testing/store.ts';
import { STEP_TASK } from './queue.ts';
import { reconcileUnfinishedRuns, startRun } from './runs.ts';
import { workerStepRunner } from './worker-step-runner.ts';

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

  it('hands an attempt over only to its own job retried, or to any job once its job has vanished', async () => {
    const { workflow, version } = engine.workflow(slowCall());
    const execution = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    await engine.finished(execution.id);
    const sandbox = new SandboxPool();
    const runner = (workerId: string) =>
      workerStepRunner({
        store: engine.store,
        pgPool: engine.pgPool,
        sandbox,
        graphs: new GraphCache(),
        workerId,
        log: engine.log,
        masterKey: engine.masterKey,
      });
    // A job the queue still holds (due in an hour), standing for one whose worker died mid-step.
    const { rows } = await engine.pgPool.query(
      "select (graphile_worker.add_job('not_a_task', '{}'::json, run_at => now() + interval '1 hour')).id::text as id",
    );
    const holder = (rows[0] as { id: string }).id;
    // Reopen the run as if that job's worker had crashed in the middle of attempt 2 of the call.
    const file = storeFile(engine.store);
    file.run("update executions set status = 'running', finished_at = null where id = ?", execution.id);
    file.run(
      "update step_runs set status = 'failed', retry_at = ? where execution_id = ? and node_id = 'call' and attempt = 1",
      new Date().toISOString(),
      execution.id,
    );
    file.run(
      "insert into step_runs (id, execution_id, node_id, attempt, status, worker_id, job_id, started_at) values ('r2', ?, 'call', 2, 'running', 'dead-worker', ?, ?)",
      execution.id,
      holder,
      new Date().toISOString(),
    );
    const attempt2 = { executionId: execution.id, nodeId: 'call', attempt: 2 };
    const requests = () => slow.requests.length;
    const before = requests();

    await runner('other-worker')(attempt2, '999999');
    expect(requests()).toBe(before); // another job while the holder exists: a duplicate, left alone

    await runner('retrying-worker')(attempt2, holder);
    expect(requests()).toBe(before + 1); // the holder itself, retried by the queue: takes it over
    expect(
      stepRunsNow(engine.store, execution.id).find((step) => step.attempt === 2 && step.nodeId === 'call'),
    ).toMatchObject({
      status: 'succeeded',
      workerId: 'retrying-worker',
      jobId: holder,
    });

    // Once the holder has vanished from the queue, any job for the attempt takes it over.
    file.run("update executions set status = 'running', finished_at = null where id = ?", execution.id);
    file.run(
      "update step_runs set status = 'running', job_id = ? where execution_id = ? and node_id = 'call' and attempt = 2",
      holder,
      execution.id,
    );
    await engine.pgPool.query('select graphile_worker.complete_jobs(array[$1::bigint])', [holder]);
    await runner('rescuing-worker')(attempt2, '1000000');
    expect(requests()).toBe(before + 2);
    expect(
      stepRunsNow(engine.store, execution.id).find((step) => step.attempt === 2 && step.nodeId === 'call'),
    ).toMatchObject({
      status: 'succeeded',
      jobId: '1000000',
    });
    sandbox.dispose();
  });
});

describe('a step that does not reach the outside world', () => {
  /**
   *   Start ──▶ Tidy (set)
   */
  const tidy = (): Graph => ({
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('tidy', 'transform.set', 'Tidy', { fields: [{ path: 'done', value: 'yes' }] }),
    ],
    edges: [edge('start', 'tidy')],
  });

  it('is recorded once, when it ends, however many jobs run it', async () => {
    const { workflow, version } = engine.workflow(tidy());
    const execution = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    const done = await engine.finished(execution.id);
    const stored = done.steps.find((step) => step.nodeId === 'tidy');
    // One row, written with its result: never a claim first.
    expect(stored).toMatchObject({ status: 'succeeded', output: { done: 'yes' }, input: {} });
    expect(stored?.workerId).toBeTruthy();
    expect(stored?.jobId).toMatch(/^\d+$/);

    const sandbox = new SandboxPool();
    const runner = workerStepRunner({
      store: engine.store,
      pgPool: engine.pgPool,
      sandbox,
      graphs: new GraphCache(),
      workerId: 'racing-worker',
      log: engine.log,
      masterKey: engine.masterKey,
    });
    const tidyJob = { executionId: execution.id, nodeId: 'tidy', attempt: 1 };
    // Reopen the run as if the step had never run, then let two jobs for it race.
    const file = storeFile(engine.store);
    file.run("delete from step_runs where execution_id = ? and node_id = 'tidy'", execution.id);
    file.run("update executions set status = 'running', finished_at = null where id = ?", execution.id);
    await Promise.all([runner(tidyJob, '700001'), runner(tidyJob, '700002')]);
    const rows = stepRunsNow(engine.store, execution.id).filter((step) => step.nodeId === 'tidy');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'succeeded', workerId: 'racing-worker' });
    expect(['700001', '700002']).toContain(rows[0]?.jobId);
    expect((await engine.finished(execution.id)).execution.status).toBe('succeeded');

    // A run canceled while such a step runs keeps no result of it.
    file.run("delete from step_runs where execution_id = ? and node_id = 'tidy'", execution.id);
    file.run("update executions set status = 'canceled' where id = ?", execution.id);
    const late = workerStepRunner({
      store: engine.store,
      pgPool: engine.pgPool,
      sandbox,
      graphs: new GraphCache(),
      workerId: 'late-worker',
      log: engine.log,
      masterKey: engine.masterKey,
    });
    await late(tidyJob, '700003');
    expect(stepRunsNow(engine.store, execution.id).filter((step) => step.nodeId === 'tidy')).toEqual([]);
    sandbox.dispose();
  });
});

describe('resuming unfinished runs', () => {
  it('queues again what an unfinished run needs after the queue lost its jobs', async () => {
    //   Start ──▶ Call (slow)
    const { workflow, version } = engine.workflow(slowCall());
    const execution = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    await waitUntil('the call is running', () =>
      stepRunsNow(engine.store, execution.id).some((step) => step.nodeId === 'call' && step.status === 'running'),
    );
    // The step finishes; then pretend its record was lost: reopen it as running under a job the
    // queue no longer has, and a second run whose trigger job never made it into the queue.
    await engine.finished(execution.id);
    // The queue completes finished jobs a moment after the step is stored; wait for it to be empty.
    await waitUntil('the queue is empty', async () => {
      const { rows } = await engine.pgPool.query('select count(*)::int as n from graphile_worker.jobs');
      return (rows[0] as { n: number }).n === 0;
    });
    const file = storeFile(engine.store);
    file.run("update executions set status = 'running', finished_at = null where id = ?", execution.id);
    file.run(
      "update step_runs set status = 'running', output = null, finished_at = null, job_id = '424242' where execution_id = ? and node_id = 'call'",
      execution.id,
    );
    const lost = engineRecords(engine.store).insertExecution({
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      triggerPayload: {},
    });

    const resumed = await reconcileUnfinishedRuns(engine.runs);
    expect(resumed.executions).toBeGreaterThanOrEqual(2);
    const [first, second] = await Promise.all([engine.finished(execution.id), engine.finished(lost.id)]);
    expect(first.execution.status).toBe('succeeded');
    expect(first.steps.find((step) => step.nodeId === 'call')?.output).toMatchObject({ status: 200 });
    expect(second.execution.status).toBe('succeeded');
    // Nothing left to resume, and resuming twice queues nothing twice.
    expect(await reconcileUnfinishedRuns(engine.runs)).toEqual({ executions: 0, jobs: 0 });
  });
});
