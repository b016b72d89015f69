import type { ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { edge, node, spawnWorkerProcess, testEngine, testHttpServer } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';
import { startRun } from './runs.ts';

/**
 * Issue 13 item 3: expressions cannot stall a worker. They once ran synchronously on the worker's
 * event loop, which also keeps its heartbeat: a Set node of 70 slow fields froze a worker for
 * 14 s, and with two workers each declared the other dead and HTTP calls were made twice.
 */

/** An expression that busy-loops for `ms` (Date.now() is the sandbox's only clock), answering `n`. */
const slow = (ms: number, n: number) =>
  `{{ (() => { const t = Date.now(); while (Date.now() - t < ${ms}); return ${n} })() }}`;

describe('a step with slow expressions, on a worker in this process', () => {
  let engine: Awaited<ReturnType<typeof testEngine>>;

  beforeAll(async () => {
    engine = await testEngine(); // the default budget: 1 s for all of a step's expressions
    await engine.startWorker();
  });

  afterAll(async () => {
    await engine?.close();
  });

  it('fails at the budget of the whole step, naming node and field, once', async () => {
    //  Start ──▶ Slow fields (70 fields of 200 ms each: 14 s if each had its own limit)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('slow', 'transform.set', 'Slow fields', {
          fields: Array.from({ length: 70 }, (_, n) => ({ path: `f${n}`, value: slow(200, n) })),
        }),
      ],
      edges: [edge('start', 'slow')],
    };
    // Each field alone is well within the budget: only a budget spent across fields fails the step.
    const result = await engine.finished((await engine.run(graph)).id, 20_000);
    expect(result.execution.status).toBe('failed');
    const attempts = result.steps.filter((step) => step.nodeId === 'slow');
    expect(attempts.map((step) => [step.attempt, step.status])).toEqual([[1, 'failed']]); // not retried
    const error = attempts[0]?.error as { name: string; message: string; retryable: boolean };
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^node "Slow fields", field fields\.\d+\.value: expressions ran longer than 1000 ms, the time budget for all the expressions of a step$/,
    );
    // That the worker's loop keeps turning meanwhile is checked where expressions run
    // (server/sandbox/pool.test.ts, templates.test.ts); how long it waits at most is a figure of
    // `npm run bench sandbox`.
  });
});

describe('two workers, slow expressions and HTTP calls', () => {
  const RUNS = 12;
  let engine: Awaited<ReturnType<typeof testEngine>>;
  let http: Awaited<ReturnType<typeof testHttpServer>>;
  let child: (ChildProcess & { output(): string }) | undefined;
  const warnings: string[] = [];

  beforeAll(async () => {
    // A budget that lets each step's 8 × 150 ms of expressions succeed: together they keep both
    // workers' expression isolates busy for well over the 10 s after which a silent worker is dead.
    engine = await testEngine({ concurrency: 4, sandbox: { expressionTimeoutMs: 5000 } });
    const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    await engine.startWorker({ log });
    // Calls stay in flight a while, so they overlap the other steps' expressions.
    http = await testHttpServer((_, response) => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      }, 300);
    });
    child = await spawnWorkerProcess(engine, 4, { EXPRESSION_BUDGET_MS: '5000' });
  }, 60_000);

  afterAll(async () => {
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await engine?.close();
    await http?.close();
  });

  it('make every HTTP call exactly once, keep beating, and take no live worker over', async () => {
    //          ┌──▶ Early call (http)
    //  Start ──┤
    //          └──▶ Slow fields (8 × 150 ms) ──▶ Late call (http)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('early', 'action.http', 'Early call', {
          method: 'POST',
          url: `${http.url}/early`,
          body: { n: '{{ input.n }}' },
        }),
        node('slow', 'transform.set', 'Slow fields', {
          fields: Array.from({ length: 8 }, (_, n) => ({ path: `f${n}`, value: slow(150, n) })),
        }),
        node('late', 'action.http', 'Late call', {
          method: 'POST',
          url: `${http.url}/late`,
          body: { f: '{{ input.f7 }}' },
        }),
      ],
      edges: [edge('start', 'early'), edge('start', 'slow'), edge('slow', 'late')],
    };
    const { workflow, version } = engine.workflow(graph);
    const started = await Promise.all(
      Array.from({ length: RUNS }, (_, n) =>
        startRun(engine.runs, { workflowId: workflow.id, versionId: version.id, trigger: 'manual', payload: { n } }),
      ),
    );

    const finished = await Promise.all(started.map((execution) => engine.finished(execution.id, 90_000)));

    const workerIds = new Set<string>();
    for (const { execution, steps } of finished) {
      expect(execution.status).toBe('succeeded');
      expect(steps.map((step) => [step.nodeId, step.attempt, step.status]).sort()).toEqual(
        ['early', 'late', 'slow', 'start'].map((id) => [id, 1, 'succeeded']),
      );
      for (const step of steps) workerIds.add(step.workerId as string);
    }
    expect(workerIds.size).toBe(2); // both workers took part

    // Zero duplicates: each call's idempotency key reached the far side exactly once.
    const keys = http.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(RUNS * 2);
    expect(new Set(keys)).toEqual(
      new Set(started.flatMap((execution) => [`${execution.id}:early`, `${execution.id}:late`])),
    );
    const duplicates = storeFile(engine.store).all(
      'select execution_id, node_id, count(*) as n from step_runs group by execution_id, node_id having n > 1',
    );
    expect(duplicates).toEqual([]);

    // No worker was declared dead: heartbeats kept coming, so neither worker released another's jobs.
    expect(warnings.join('')).not.toContain('released the jobs of workers that stopped');
    expect(child?.output()).not.toContain('released the jobs of workers that stopped');
  }, 120_000);
});
