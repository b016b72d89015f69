import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from 'graphile-worker';
import type pg from 'pg';
import { pino } from 'pino';
import { createRunsDeps, type RunsDeps } from '../server/engine/adapters.ts';
import { EventHub } from '../server/engine/event-hub.ts';
import { startRun } from '../server/engine/runs.ts';
import { startEmbeddedPostgres } from '../server/pg/embedded.ts';
import { createPgPool } from '../server/pg/pool.ts';
import { SandboxPool } from '../server/sandbox/pool.ts';
import { evaluateTemplates } from '../server/sandbox/templates.ts';
import { openStore } from '../server/store/db.ts';
import { insertVersion } from '../server/store/versions.ts';
import { insertWorkflow } from '../server/store/workflows.ts';
import { fiveStepWorkflow } from '../server/testing/sample-workflows.ts';
import { type CpuPerRun, cpuFigures, postmasterPid, startCpuMeter } from './cpu.ts';
import { startEchoServer } from './echo-server.ts';
import { spawnWorker, startWorkerSettings, stopWorker, workerPids } from './processes.ts';
import { RunTracker } from './run-tracker.ts';
import { percentile, report } from './stats.ts';
import { HEADLINE_REPEATS, type Measurement, recordHeadline } from './summary.ts';

/**
 * The engine under load, as `npm start` runs it: embedded PostgreSQL with production settings,
 * every step's input and output stored in SQLite. Figures: five-step runs per second of one
 * worker process at concurrency 1 and 10; trigger-to-finish latency of a run alone at concurrency
 * 1; the cost of one expression evaluation in a warm isolate. Then the headline figures, each
 * measured BENCH_REPEAT times (default 3) with `npm start`'s worker settings (WORKERS, else one
 * process per core but one, 1 to 4; WORKER_CONCURRENCY, else 10): five-step runs per second and
 * the latency of a run alone. Every figure comes with CPU ms per run of the worker processes and
 * of this process, which plays the API process (it starts the runs and follows their events).
 */
export async function run(): Promise<void> {
  if (!process.env.BENCH_ONLY) await expressionCost();

  const log = pino({ level: 'warn' });
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-'));
  chmodSync(dir, 0o755);
  const http = await startEchoServer();
  // BENCH_FAST=1: no fsync (to see what durability costs); BENCH_PG_STATS=1: print PostgreSQL's costliest statements.
  const pgStats = process.env.BENCH_PG_STATS === '1';
  const postgres = await startEmbeddedPostgres({
    dataDir: dir,
    log,
    fast: process.env.BENCH_FAST === '1',
    ...(pgStats
      ? { settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } }
      : {}),
  });
  const store = openStore(join(dir, 'stepwise.db'));
  const pgPool = createPgPool(postgres.url, log, 20);
  const events = new EventHub(postgres.url, log);
  try {
    await runMigrations({ pgPool });
    if (pgStats) await pgPool.query('create extension if not exists pg_stat_statements');
    await events.start();
    const runs: RunsDeps = createRunsDeps(store, pgPool);
    const full = fiveStepWorkflow(`${http.url}/notify`);
    const graph = process.env.XP_NOHTTP ? { nodes: full.nodes.slice(0, 4), edges: full.edges.slice(0, 3) } : full;
    const workflow = insertWorkflow(store.db, { name: 'Bench', draft: graph });
    const version = insertVersion(store.db, { workflowId: workflow.id, graph });
    const postmaster = postmasterPid(postgres.clusterDir);
    const start = (payload: unknown) =>
      startRun(runs, { workflowId: workflow.id, versionId: version.id, trigger: 'manual', payload });

    for (const concurrency of process.env.BENCH_ONLY ? [Number(process.env.BENCH_ONLY)] : [1, 10]) {
      const worker = spawnWorker(dir, postgres.url, concurrency);
      try {
        await throughput(
          `5-step runs/s, worker concurrency ${concurrency}`,
          concurrency === 1 ? 150 : Number(process.env.BENCH_RUNS ?? 1500),
          start,
          events,
          { workers: workerPids([worker]), postmaster },
        );
        if (concurrency === 1 && !process.env.BENCH_ONLY) {
          await latency('trigger-to-finish latency, one run alone', start, events, {
            workers: workerPids([worker]),
            postmaster,
          });
        }
      } finally {
        await stopWorker(worker);
      }
    }
    // The headline figures, with the worker processes and concurrency `npm start` uses here.
    const settings = startWorkerSettings();
    const pool = Array.from({ length: settings.count }, () => spawnWorker(dir, postgres.url, settings.concurrency));
    try {
      for (let round = 1; round <= HEADLINE_REPEATS; round++) {
        const measured = await throughput(
          `5-step runs/s, ${settings.label} (npm start) #${round}`,
          Number(process.env.BENCH_RUNS ?? 1500),
          start,
          events,
          { workers: workerPids(pool), postmaster },
        );
        recordHeadline('engineRuns', measured);
      }
      for (let round = 1; round <= HEADLINE_REPEATS; round++) {
        const measured = await latency(`one run alone, ${settings.label} (npm start) #${round}`, start, events, {
          workers: workerPids(pool),
          postmaster,
        });
        recordHeadline('manualLatency', measured);
      }
    } finally {
      await Promise.all(pool.map(stopWorker));
    }
    if (pgStats) await printStatementStats(pgPool);
  } finally {
    await events.close();
    await pgPool.end();
    store.close();
    await postgres.stop();
    http.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Start = (payload: unknown) => Promise<{ id: string }>;
/** What the CPU is read of: the worker processes and PostgreSQL. */
type Processes = Parameters<typeof startCpuMeter>[0];

async function throughput(
  name: string,
  runs: number,
  start: Start,
  events: EventHub,
  processes: Processes,
): Promise<Measurement> {
  await warmUp(start, events);
  const tracker = new RunTracker(events);
  try {
    const cpu = startCpuMeter(processes);
    const began = performance.now();
    // Submit in waves so submission itself is not the bottleneck being measured.
    const ids: string[] = [];
    for (let index = 0; index < runs; index += 50) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(50, runs - index) }, (_, offset) =>
          start({ email: `U${index + offset}@X.COM`, total: 150 }),
        ),
      );
      ids.push(...wave.map((execution) => execution.id));
    }
    const { failed } = await tracker.wait(ids);
    const seconds = (performance.now() - began) / 1000;
    const perRun = cpu.perRun(runs);
    report(name, {
      runs,
      seconds,
      runs_per_s: runs / seconds,
      steps_per_s: (runs * 5) / seconds,
      failed,
      ...cpuFigures(perRun),
    });
    return { value: runs / seconds, cpu: perRun };
  } finally {
    tracker.close();
  }
}

async function warmUp(start: Start, events: EventHub): Promise<void> {
  const tracker = new RunTracker(events);
  try {
    const started = await Promise.all(Array.from({ length: 20 }, () => start({ email: 'W@X', total: 150 })));
    await tracker.wait(started.map((execution) => execution.id));
  } finally {
    tracker.close();
  }
}

async function latency(name: string, start: Start, events: EventHub, processes: Processes): Promise<Measurement> {
  await warmUp(start, events);
  const durations: number[] = [];
  const tracker = new RunTracker(events);
  const cpu = startCpuMeter(processes);
  try {
    for (let index = 0; index < 100; index++) {
      const began = performance.now();
      const execution = await start({ email: 'ALONE@X.COM', total: 150 });
      await tracker.wait([execution.id]);
      durations.push(performance.now() - began);
    }
  } finally {
    tracker.close();
  }
  const perRun: CpuPerRun = cpu.perRun(durations.length);
  durations.sort((a, b) => a - b);
  report(name, {
    p50_ms: percentile(durations, 50),
    p99_ms: percentile(durations, 99),
    ...cpuFigures(perRun),
  });
  return { value: percentile(durations, 50), cpu: perRun };
}

async function printStatementStats(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query(
    `select calls, round(total_exec_time::numeric, 0) as total_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query
     from pg_stat_statements order by total_exec_time desc limit 12`,
  );
  for (const row of rows) {
    process.stdout.write(
      `  ${String(row.total_ms).padStart(7)} ms ${String(row.calls).padStart(7)} calls  ${row.query}\n`,
    );
  }
  // A queue table full of dead rows makes every fetch slower: how well vacuum keeps up.
  const { rows: tables } = await pool.query(
    `select relname, n_live_tup, n_dead_tup, autovacuum_count, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del
     from pg_stat_user_tables where schemaname = 'graphile_worker' and n_tup_ins > 0`,
  );
  for (const table of tables) process.stdout.write(`  ${JSON.stringify(table)}\n`);
}

async function expressionCost(): Promise<void> {
  const pool = new SandboxPool();
  const scope = { input: { email: 'Ada@Example.COM', total: 150 }, trigger: {}, steps: {} };
  const value = '{{ input.email.toLowerCase() }}';
  for (let index = 0; index < 2000; index++) await evaluateTemplates(value, scope, pool);
  const durations: number[] = [];
  for (let index = 0; index < 20_000; index++) {
    const began = performance.now();
    await evaluateTemplates(value, scope, pool);
    durations.push(performance.now() - began);
  }
  durations.sort((a, b) => a - b);
  report('expression evaluation, warm isolate', {
    p50_ms: percentile(durations, 50),
    p99_ms: percentile(durations, 99),
  });
  pool.dispose();
}
