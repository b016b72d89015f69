import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { runMigrations } from 'graphile-worker';
import { pino } from 'pino';
import { createApp } from '../server/api/app.ts';
import { createRunsDeps } from '../server/engine/adapters.ts';
import { EventHub } from '../server/engine/event-hub.ts';
import { startEmbeddedPostgres } from '../server/pg/embedded.ts';
import { createPgPool } from '../server/pg/pool.ts';
import { createRunService } from '../server/runs/service.ts';
import { masterKeyFrom } from '../server/security/master-key.ts';
import { openStore } from '../server/store/db.ts';
import { countExecutions } from '../server/store/executions.ts';
import { sqliteRepositories } from '../server/store/sqlite-repositories.ts';
import { storeFile } from '../server/testing/store.ts';
import { cpuFigures, postmasterPid, startCpuMeter } from './cpu.ts';
import { HOOKED_PAYLOAD, HOOKED_STEPS, publishHookedWorkflow } from './hooked-workflow.ts';
import { runLoad } from './load-client.ts';
import { spawnWorker, startWorkerSettings, stopWorker, workerPids } from './processes.ts';
import { percentile, report } from './stats.ts';
import { HEADLINE_REPEATS, type Measurement, recordHeadline, type StoredCheck } from './summary.ts';

/** Seconds of load per measurement (BENCH_SECONDS to change). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/**
 * Webhooks under load over real HTTP, as `npm start` serves them: this process plays the API
 * process and answers `/hooks/...`, the worker processes `npm start` runs here (WORKERS, else one
 * per core but one, 1 to 4; WORKER_CONCURRENCY, else 10) run the steps, the clients are a process
 * of their own. For both respond modes and 1, 10 and 50 concurrent clients: requests per second,
 * latency, CPU ms per request (worker processes, API process, PostgreSQL), and the executions
 * stored and complete versus the requests answered (they must be equal). The headline figure,
 * waiting for the result at 50 clients, is measured BENCH_REPEAT times (default 3).
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
    repos: sqliteRepositories(store),
    log,
    config: {
      apiBodyLimit: 5 * 1024 * 1024,
      webhookBodyLimit: 1024 * 1024,
      webhookRateLimit: 1_000_000,
      sessionTtlHours: 12,
      cookieSecure: 'auto',
    },
    masterKey: masterKeyFrom(randomBytes(32)),
    runs: createRunService(runs, events),
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = startWorkerSettings();
  const workers = Array.from({ length: settings.count }, () => spawnWorker(dir, postgres.url, settings.concurrency));
  try {
    for (const respond of ['immediately', 'lastNode'] as const) {
      const workflowId = publishHookedWorkflow(store, respond);
      for (const concurrency of process.env.BENCH_ONLY ? [Number(process.env.BENCH_ONLY)] : [1, 10, 50]) {
        const headline = respond === 'lastNode' && concurrency === 50;
        for (let round = 1; round <= (headline ? HEADLINE_REPEATS : 1); round++) {
          const measured = await load({
            url: `${base}/hooks/${workflowId}/orders`,
            concurrency,
            name: `webhook ${respond}, ${concurrency} clients${headline ? ` #${round}` : ''}`,
            store,
            workflowId,
            workers: workerPids(workers),
            postmaster: postmasterPid(postgres.clusterDir),
          });
          if (headline) recordHeadline('webhookResult', measured);
        }
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

/**
 * One measurement. Its figure, the headline's when the trigger waits for the result, is results
 * per second: answers 200 with the run's result, so a run that failed or timed out (500, 202) is not
 * counted as served. CPU is measured from the first request until every run has ended, and divided
 * by the requests answered.
 */
async function load(options: {
  url: string;
  concurrency: number;
  name: string;
  store: ReturnType<typeof openStore>;
  workflowId: string;
  workers: readonly number[];
  postmaster: number | undefined;
}): Promise<Measurement> {
  const { url, concurrency, name, store, workflowId } = options;
  const storedBefore = countExecutions(store.db, workflowId);
  const completeBefore = countComplete(store, workflowId);
  const cpu = startCpuMeter(options);
  const { latencies, statuses, seconds } = await runLoad({
    url,
    concurrency,
    seconds: SECONDS,
    body: HOOKED_PAYLOAD,
    headers: { 'content-type': 'application/json' },
  });
  const accepted = (statuses[200] ?? 0) + (statuses[202] ?? 0);
  // Runs answered at once may still be going: wait for them before counting what was stored.
  await waitForIdle(store, workflowId);
  const perRequest = cpu.perRun(accepted);
  const check: StoredCheck = {
    answered: accepted,
    stored: countExecutions(store.db, workflowId) - storedBefore,
    complete: countComplete(store, workflowId) - completeBefore,
    steps: HOOKED_STEPS,
  };
  latencies.sort((a, b) => a - b);
  report(name, {
    workers: options.workers.length,
    req_per_s: latencies.length / seconds,
    results_per_s: (statuses[200] ?? 0) / seconds,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    sent: latencies.length,
    accepted,
    stored: check.stored,
    [`complete_${HOOKED_STEPS}_steps`]: check.complete,
    ...cpuFigures(perRequest),
  });
  return { value: (statuses[200] ?? 0) / seconds, cpu: perRequest, stored: check };
}

/** Executions of the workflow that succeeded with a succeeded step run for each of its steps. */
function countComplete(store: ReturnType<typeof openStore>, workflowId: string): number {
  const row = storeFile(store).get<{ n: number }>(
    `select count(*) as n from executions e
     where e.workflow_id = ? and e.status = 'succeeded'
       and (select count(*) from step_runs s where s.execution_id = e.id and s.status = 'succeeded') = ?`,
    workflowId,
    HOOKED_STEPS,
  );
  return row?.n ?? 0;
}

async function waitForIdle(store: ReturnType<typeof openStore>, workflowId: string): Promise<void> {
  const unfinished = () =>
    storeFile(store).get<{ n: number }>(
      "select count(*) as n from executions where workflow_id = ? and status in ('queued', 'running')",
      workflowId,
    )?.n;
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (unfinished() === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
