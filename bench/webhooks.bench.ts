import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { runMigrations } from 'graphile-worker';
import { pino } from 'pino';
import { createApp } from '../server/api/app.ts';
import type { Graph } from '../server/core/graph.ts';
import { EventHub } from '../server/engine/event-hub.ts';
import { createRunsDeps } from '../server/engine/runs.ts';
import { startEmbeddedPostgres } from '../server/pg/embedded.ts';
import { createPgPool } from '../server/pg/pool.ts';
import { masterKeyFrom } from '../server/security/master-key.ts';
import { openStore } from '../server/store/db.ts';
import { countExecutions } from '../server/store/executions.ts';
import { publishVersion } from '../server/store/publications.ts';
import { insertVersion } from '../server/store/versions.ts';
import { insertWorkflow, updateWorkflow } from '../server/store/workflows.ts';
import { runLoad } from './load-client.ts';
import { spawnWorker, startWorkerCount, stopWorker } from './processes.ts';
import { percentile, report } from './stats.ts';

/** Seconds of load per measurement (BENCH_SECONDS to change). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/**
 * Webhooks under load over real HTTP, as `npm start` serves them: the API process answers
 * `/hooks/...`, as many worker processes as `npm start` runs (WORKERS, else one per core but one,
 * 1 to 4; concurrency 10 each) run the steps. For both respond modes and
 * 1, 10 and 50 concurrent clients: requests per second, latency, and executions stored versus
 * requests accepted (they must be equal).
 *
 *   Webhook ──▶ Tidy (set) ──▶ Big? (if) ─true─▶ Score (script)
 */
export async function run(): Promise<void> {
  const log = pino({ level: 'warn' });
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-hooks-'));
  chmodSync(dir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: dir, log });
  const store = openStore(join(dir, 'stepwise.db'));
  const pgPool = createPgPool(postgres.url, log, 20);
  const events = new EventHub(postgres.url, log);
  await runMigrations({ pgPool });
  await events.start();
  const runs = createRunsDeps(store, pgPool);
  const app = createApp({
    store,
    log,
    config: {
      apiBodyLimit: 5 * 1024 * 1024,
      webhookBodyLimit: 1024 * 1024,
      webhookRateLimit: 1_000_000,
      sessionTtlHours: 12,
      cookieSecure: 'auto',
    },
    masterKey: masterKeyFrom(randomBytes(32)),
    engine: { runs, events },
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workers = Array.from({ length: startWorkerCount() }, () => spawnWorker(dir, postgres.url, 10));
  try {
    for (const respond of ['immediately', 'lastNode'] as const) {
      const workflowId = hookedWorkflow(store, respond);
      for (const concurrency of process.env.BENCH_ONLY ? [Number(process.env.BENCH_ONLY)] : [1, 10, 50]) {
        await load(
          `${base}/hooks/${workflowId}/orders`,
          concurrency,
          `webhook ${respond}, ${concurrency} clients`,
          store,
          workflowId,
          workers.length,
        );
      }
    }
  } finally {
    await Promise.all(workers.map(stopWorker));
    server.close();
    await events.close();
    await pgPool.end();
    store.close();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function hookedWorkflow(store: ReturnType<typeof openStore>, respond: 'immediately' | 'lastNode'): string {
  const graph: Graph = {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Hook',
        position: { x: 0, y: 0 },
        config: { path: 'orders', respond },
      },
      {
        id: 'tidy',
        type: 'transform.set',
        name: 'Tidy',
        position: { x: 0, y: 100 },
        config: {
          keepInput: false,
          fields: [
            { path: 'email', value: '{{ input.body.email.toLowerCase() }}' },
            { path: 'total', value: '{{ input.body.total }}' },
          ],
        },
      },
      {
        id: 'big',
        type: 'condition.if',
        name: 'Big?',
        position: { x: 0, y: 200 },
        config: { rules: [{ left: '{{ input.total }}', operator: 'greaterThan', right: '100' }] },
      },
      {
        id: 'score',
        type: 'transform.script',
        name: 'Score',
        position: { x: 0, y: 300 },
        config: { code: 'return { ...input, score: input.total * 2 };' },
      },
    ],
    edges: [
      { id: 'e1', source: 'hook', sourcePort: 'main', target: 'tidy' },
      { id: 'e2', source: 'tidy', sourcePort: 'main', target: 'big' },
      { id: 'e3', source: 'big', sourcePort: 'true', target: 'score' },
    ],
  };
  const workflow = insertWorkflow(store.db, { name: `Hook ${respond}`, draft: graph });
  const version = insertVersion(store.db, { workflowId: workflow.id, graph });
  publishVersion(store.db, { workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
  updateWorkflow(store.db, workflow.id, { active: true });
  return workflow.id;
}

async function load(
  url: string,
  concurrency: number,
  name: string,
  store: ReturnType<typeof openStore>,
  workflowId: string,
  workers: number,
): Promise<void> {
  const storedBefore = countExecutions(store.db, workflowId);
  const { latencies, statuses, seconds } = await runLoad({
    url,
    concurrency,
    seconds: SECONDS,
    body: JSON.stringify({ email: 'Ada@Example.COM', total: 150 }),
    headers: { 'content-type': 'application/json' },
  });
  const accepted = (statuses[200] ?? 0) + (statuses[202] ?? 0);
  // Runs answered at once may still be going: wait for them before counting what was stored.
  await waitForIdle(store, workflowId);
  latencies.sort((a, b) => a - b);
  report(name, {
    workers,
    req_per_s: latencies.length / seconds,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    sent: latencies.length,
    accepted,
    stored: countExecutions(store.db, workflowId) - storedBefore,
    succeeded_steps_per_run: stepsPerRun(store, workflowId),
  });
}

function stepsPerRun(store: ReturnType<typeof openStore>, workflowId: string): number {
  const row = store.sqlite
    .prepare(
      `select count(*) * 1.0 / (select count(*) from executions where workflow_id = ?) as n
       from step_runs s join executions e on e.id = s.execution_id where e.workflow_id = ? and s.status = 'succeeded'`,
    )
    .get(workflowId, workflowId) as { n: number };
  return row.n;
}

async function waitForIdle(store: ReturnType<typeof openStore>, workflowId: string): Promise<void> {
  const unfinished = store.sqlite.prepare(
    "select count(*) as n from executions where workflow_id = ? and status in ('queued', 'running')",
  );
  for (let waited = 0; waited < 120_000; waited += 100) {
    if ((unfinished.get(workflowId) as { n: number }).n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
