import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { edge, node, spawnWorkerProcess, testEngine, testHttpServer } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';
import { startRun } from './runs.ts';

const RUNS = 40;

let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
let child: ChildProcess | undefined;

beforeAll(async () => {
  engine = await testEngine({ concurrency: 4 });
  await engine.startWorker();
  // A little latency, so steps overlap and both workers have something to take.
  http = await testHttpServer((request, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ echoed: JSON.parse(request.body) }));
    }, 20);
  });
  // A second worker as a real process, the way `stepwise worker` runs one: same queue, same SQLite file.
  child = await spawnWorkerProcess(engine);
});

afterAll(async () => {
  const running = child;
  if (running && running.exitCode === null && running.signalCode === null) {
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM'); // drains, then exits
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await engine?.close();
  await http?.close();
});

describe('two worker processes', () => {
  it('share the runs: all succeed, both do work, and no step runs twice', async () => {
    //  Start ──▶ Prepare ──▶ Score (script) ──▶ Notify (http) ──▶ Done
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('prepare', 'transform.set', 'Prepare', { fields: [{ path: 'double', value: '{{ input.n * 2 }}' }] }),
        node('score', 'transform.script', 'Score', { code: 'return { n: input.n, score: input.double + 1 };' }),
        node('notify', 'action.http', 'Notify', {
          method: 'POST',
          url: `${http.url}/notify`,
          body: { n: '{{ input.n }}', score: '{{ input.score }}' },
        }),
        node('done', 'transform.set', 'Done', {
          fields: [{ path: 'score', value: '{{ input.body.echoed.score }}' }],
          keepInput: false,
        }),
      ],
      edges: [edge('start', 'prepare'), edge('prepare', 'score'), edge('score', 'notify'), edge('notify', 'done')],
    };
    const { workflow, version } = engine.workflow(graph);
    const started = await Promise.all(
      Array.from({ length: RUNS }, (_, n) =>
        startRun(engine.runs, { workflowId: workflow.id, versionId: version.id, trigger: 'manual', payload: { n } }),
      ),
    );

    const workerIds = new Set<string>();
    for (const [n, execution] of started.entries()) {
      const { execution: done, steps } = await engine.finished(execution.id, 60_000);
      expect(done.status).toBe('succeeded');
      // One row per node, each its first attempt, each succeeded: nothing ran twice or failed.
      expect(steps.map((step) => [step.nodeId, step.attempt, step.status]).sort()).toEqual(
        ['done', 'notify', 'prepare', 'score', 'start'].map((id) => [id, 1, 'succeeded']),
      );
      expect(steps.find((step) => step.nodeId === 'done')?.output).toEqual({ score: n * 2 + 1 });
      for (const step of steps) workerIds.add(step.workerId as string);
    }

    // Both workers did work: this process's and the child's (its id names its pid).
    expect(workerIds.size).toBe(2);
    expect([...workerIds].some((id) => id.includes(`:${child?.pid}:`))).toBe(true);
    const perWorker = storeFile(engine.store).all(
      'select worker_id as workerId, count(*) as n from step_runs group by worker_id',
    ) as Array<{ workerId: string; n: number }>;
    expect(perWorker).toHaveLength(2);
    for (const { n } of perWorker) expect(n).toBeGreaterThanOrEqual(5); // a share of the work, not one stray step
    const duplicates = storeFile(engine.store).all(
      'select execution_id, node_id, count(*) as n from step_runs group by execution_id, node_id having n > 1',
    );
    expect(duplicates).toEqual([]);

    // The far side saw each step's idempotency key exactly once.
    const keys = http.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(RUNS);
    expect(new Set(keys).size).toBe(RUNS);
    expect(new Set(keys)).toEqual(new Set(started.map((execution) => `${execution.id}:notify`)));
  });
});
