import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from 'graphile-worker';
import { pino } from 'pino';
import type { Graph } from '../server/core/graph/model.ts';
import { createRunsDeps } from '../server/engine/adapters.ts';
import { EventHub } from '../server/engine/event-hub.ts';
import { startRun } from '../server/engine/runs.ts';
import { startEmbeddedPostgres } from '../server/pg/embedded.ts';
import { createPgPool } from '../server/pg/pool.ts';
import { openStore } from '../server/store/db.ts';
import { insertVersion } from '../server/store/versions.ts';
import { insertWorkflow } from '../server/store/workflows.ts';
import { cpuFigures, postmasterPid, startCpuMeter } from './cpu.ts';
import { startEchoServer } from './echo-server.ts';
import { spawnWorker, startWorkerSettings, stopWorker, workerPids } from './processes.ts';
import { RunTracker } from './run-tracker.ts';
import { median, report } from './stats.ts';
import { HEADLINE_REPEATS, recordHeadline } from './summary.ts';

/**
 * Loops (issue 16), as `npm start` runs them (its worker processes and concurrency, embedded
 * PostgreSQL, every iteration's steps stored in SQLite), trigger to finish, each measured
 * BENCH_REPEAT times (default 3):
 * - a loop over 10,000 items with three pure steps in its body (target ≤ 3 s);
 * - a loop over 100 items, each an HTTP call to a local server that answers after 20 ms, at
 *   concurrency 10 (target ≤ 0.5 s).
 * Each run's stored steps are counted: a figure counts only when every iteration's steps are there.
 */
export async function run(): Promise<void> {
  const log = pino({ level: 'warn' });
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-'));
  chmodSync(dir, 0o755);
  const slowApi = await startEchoServer({ delayMs: 20 });
  const postgres = await startEmbeddedPostgres({ dataDir: dir, log, fast: process.env.BENCH_FAST === '1' });
  const store = openStore(join(dir, 'stepwise.db'));
  const pgPool = createPgPool(postgres.url, log, 20);
  const events = new EventHub(postgres.url, log);
  const settings = startWorkerSettings();
  const pool = Array.from({ length: settings.count }, () => spawnWorker(dir, postgres.url, settings.concurrency));
  const processes = { workers: workerPids(pool), postmaster: postmasterPid(postgres.clusterDir) };
  try {
    await runMigrations({ pgPool });
    await events.start();
    const runs = createRunsDeps(store, pgPool);
    const publish = (graph: Graph) => {
      const workflow = insertWorkflow(store.db, { name: `Loop bench ${graph.nodes.length}`, draft: graph });
      return { workflowId: workflow.id, versionId: insertVersion(store.db, { workflowId: workflow.id, graph }).id };
    };
    const stepsOf = (executionId: string) =>
      (
        store.sqlite
          .prepare(
            "select count(*) as n from step_runs where execution_id = ? and scope <> '' and status = 'succeeded'",
          )
          .get(executionId) as { n: number }
      ).n;

    const measure = async (
      name: string,
      headline: 'loop10k' | 'loopHttp',
      graph: Graph,
      payload: unknown,
      expectedSteps: number,
    ) => {
      const workflow = publish(graph);
      const once = async () => {
        const began = performance.now();
        const tracker = new RunTracker(events);
        try {
          const execution = await startRun(runs, { ...workflow, trigger: 'manual', payload });
          await tracker.wait([execution.id]);
          const status = tracker.status(execution.id) ?? 'unknown';
          return { ms: performance.now() - began, status, id: execution.id };
        } finally {
          tracker.close();
        }
      };
      await once(); // warm: isolates, prepared statements, the graph cache
      const times: number[] = [];
      for (let round = 1; round <= HEADLINE_REPEATS; round++) {
        const cpu = startCpuMeter(processes);
        const { ms, status, id } = await once();
        const perRun = cpu.perRun(1);
        const stored = stepsOf(id);
        report(`${name} #${round}`, { ms, status, iteration_steps_stored: stored, ...cpuFigures(perRun) });
        if (status === 'succeeded' && stored === expectedSteps) recordHeadline(headline, { value: ms, cpu: perRun });
        times.push(ms);
      }
      report(`${name}, median`, { ms: median(times), load: loadAverage() });
    };

    await measure(
      'loop over 10,000 items, 3 pure steps each',
      'loop10k',
      pureLoop(),
      { items: Array.from({ length: 10_000 }, (_, index) => ({ n: index })) },
      30_000,
    );
    await measure(
      'loop over 100 HTTP calls (20 ms), concurrency 10',
      'loopHttp',
      httpLoop(`${slowApi.url}/item`),
      { items: Array.from({ length: 100 }, (_, index) => ({ n: index })) },
      100,
    );
  } finally {
    await Promise.all(pool.map(stopWorker));
    await events.close();
    await pgPool.end();
    store.close();
    await postgres.stop();
    slowApi.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadAverage = () => loadavg()[0]?.toFixed(2) ?? '?';

const at = (x: number, y: number) => ({ x, y });

/** trigger → loop over input.items ═body═▶ [ double (set) → check (if) → label (set) ] → loop → done. */
function pureLoop(): Graph {
  return {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: at(0, 0), config: {} },
      { id: 'each', type: 'flow.loop', name: 'Each', position: at(200, 0), config: { items: '{{ input.items }}' } },
      {
        id: 'double',
        type: 'transform.set',
        name: 'Double',
        parentId: 'each',
        position: at(20, 40),
        config: { fields: [{ path: 'value', value: '{{ item.n * 2 }}' }] },
      },
      {
        id: 'check',
        type: 'condition.if',
        name: 'Check',
        parentId: 'each',
        position: at(220, 40),
        config: { rules: [{ left: '{{ input.value }}', operator: 'greaterThan', right: '-1' }] },
      },
      {
        id: 'label',
        type: 'transform.set',
        name: 'Label',
        parentId: 'each',
        position: at(420, 40),
        config: { fields: [{ path: 'label', value: 'item {{ index }}: {{ steps.Double.output.value }}' }] },
      },
    ],
    edges: [
      { id: 'e1', source: 'start', sourcePort: 'main', target: 'each' },
      { id: 'e2', source: 'each', sourcePort: 'body', target: 'double' },
      { id: 'e3', source: 'double', sourcePort: 'main', target: 'check' },
      { id: 'e4', source: 'check', sourcePort: 'true', target: 'label' },
      { id: 'e5', source: 'label', sourcePort: 'main', target: 'each' },
    ],
  };
}

/** trigger → loop over input.items (concurrency 10) ═body═▶ [ call (HTTP POST of the item) ] → loop. */
function httpLoop(url: string): Graph {
  return {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: at(0, 0), config: {} },
      {
        id: 'each',
        type: 'flow.loop',
        name: 'Each',
        position: at(200, 0),
        config: { items: '{{ input.items }}', concurrency: 10 },
      },
      {
        id: 'call',
        type: 'action.http',
        name: 'Call',
        parentId: 'each',
        position: at(20, 40),
        config: { url, method: 'POST', body: { n: '{{ item.n }}' } },
      },
    ],
    edges: [
      { id: 'e1', source: 'start', sourcePort: 'main', target: 'each' },
      { id: 'e2', source: 'each', sourcePort: 'body', target: 'call' },
      { id: 'e3', source: 'call', sourcePort: 'main', target: 'each' },
    ],
  };
}
