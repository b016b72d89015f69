import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runMigrations } from 'graphile-worker';
import { pino } from 'pino';
import { Graph, type GraphEdge, type GraphNode } from '../core/graph/model.ts';
import { createRunsDeps, type RunsDeps } from '../engine/adapters.ts';
import { startRun } from '../engine/runs.ts';
import { type EngineWorker, startWorker, type WorkerOptions } from '../engine/worker.ts';
import { createPgPool } from '../pg/pool.ts';
import { loadMasterKey } from '../security/master-key.ts';
import type { Store } from '../store/db.ts';
import { type ExecutionRow, getExecution } from '../store/executions.ts';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { listStepRuns, type StepRunRow } from '../store/steps.ts';
import { insertVersion } from '../store/versions.ts';
import { insertWorkflow } from '../store/workflows.ts';
import { tempStore } from './store.ts';
import { freshDatabase } from './test-database.ts';

/**
 * A real engine for integration tests: a temp SQLite file, a fresh database on the test run's
 * PostgreSQL, and a worker in this process (more can be started).
 */
export async function testEngine(options: Partial<Pick<WorkerOptions, 'concurrency' | 'sandbox'>> = {}) {
  const store = tempStore();
  const database = await freshDatabase();
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const pgPool = createPgPool(database.url, log);
  await runMigrations({ pgPool });
  const runs: RunsDeps = createRunsDeps(store, pgPool);
  // The key a worker process finds in the data dir (master.key), so spawned workers share it.
  const masterKey = loadMasterKey(store.dir);
  const workers: EngineWorker[] = [];

  const engine = {
    store,
    /** The same store through its port, as the API, scheduler and retention hold it. */
    repos: sqliteRepositories(store),
    pgPool,
    databaseUrl: database.url,
    runs,
    log,
    masterKey,
    async startWorker(extra: Partial<WorkerOptions> = {}) {
      const worker = await startWorker({
        store,
        pgPool,
        log,
        concurrency: options.concurrency ?? 4,
        pollIntervalMs: 100,
        masterKey,
        ...(options.sandbox ? { sandbox: options.sandbox } : {}),
        ...extra,
      });
      workers.push(worker);
      return worker;
    },
    /** Stops one worker (a restart, a crash drill); `close` then leaves it alone. */
    async stopWorker(worker: EngineWorker) {
      workers.splice(workers.indexOf(worker), 1);
      await worker.stop();
    },
    /** A workflow with `graph` saved as version 1 (published when asked). */
    workflow(graph: Graph, name = 'Test workflow') {
      const parsed = Graph.parse(graph);
      const workflow = insertWorkflow(store.db, { name, draft: parsed });
      const version = insertVersion(store.db, { workflowId: workflow.id, graph: parsed });
      return { workflow, version };
    },
    async run(graph: Graph, payload: unknown = {}) {
      const { workflow, version } = engine.workflow(graph);
      return startRun(runs, { workflowId: workflow.id, versionId: version.id, trigger: 'manual', payload });
    },
    /** Polls until the execution ends (or `timeoutMs` passes) and returns it with its steps. */
    async finished(executionId: string, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const execution = getExecution(store.sqlite, executionId) as ExecutionRow;
        if (['succeeded', 'failed', 'canceled'].includes(execution.status)) {
          return { execution, steps: listStepRuns(store.sqlite, executionId) };
        }
        if (Date.now() > deadline) {
          throw new Error(
            `execution still ${execution.status} after ${timeoutMs} ms: ${JSON.stringify(listStepRuns(store.sqlite, executionId).map((s) => [s.nodeId, s.attempt, s.status]))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await pgPool.end();
      await database.drop();
      store.cleanup();
    },
  };
  return engine;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 that records requests and answers through `handle`. */
export async function testHttpServer(
  handle: (request: RecordedRequest, response: ServerResponse) => void = (_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: true }));
  },
) {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      handle(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An execution as stored right now, without waiting for it to end. */
export function executionNow(store: Store, executionId: string): ExecutionRow | undefined {
  return getExecution(store.sqlite, executionId);
}

/** Every attempt of every node of an execution as stored right now. */
export function stepRunsNow(store: Store, executionId: string): StepRunRow[] {
  return listStepRuns(store.sqlite, executionId);
}

let nextY = 0;

/** A graph node; its position means nothing to the engine, so tests need not invent one. */
export function node(id: string, type: string, name: string, config: Record<string, unknown> = {}): GraphNode {
  nextY += 100;
  return { id, type, name, position: { x: 0, y: nextY }, config };
}

/** An edge from `source`'s `sourcePort` (default `main`) into `target`. */
export function edge(source: string, target: string, sourcePort = 'main'): GraphEdge {
  return { id: `${source}-${sourcePort}-${target}`.replace(/[^A-Za-z0-9_-]/g, '_'), source, sourcePort, target };
}

/** The step runs of one execution keyed by node id (the last attempt wins). */
export function byNode(steps: readonly StepRunRow[]): Record<string, StepRunRow> {
  const sorted = [...steps].sort((a, b) => a.attempt - b.attempt);
  return Object.fromEntries(sorted.map((step) => [step.nodeId, step]));
}

/** Polls `check` until it holds, failing with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const WORKER_ENTRY = new URL('../worker-main.ts', import.meta.url).pathname;

/**
 * A worker as `stepwise worker` runs one: a real process on the engine's queue and SQLite file.
 * Resolves once it has started; both output streams are read so it never blocks on a full pipe.
 * `env` adds settings (e.g. `EXPRESSION_BUDGET_MS`).
 */
export async function spawnWorkerProcess(
  engine: { databaseUrl: string; store: { dir: string } },
  concurrency = 4,
  env: Readonly<Record<string, string>> = {},
): Promise<ChildProcess & { output(): string }> {
  const child = spawn(process.execPath, ['--no-node-snapshot', WORKER_ENTRY], {
    env: {
      ...process.env,
      DATA_DIR: engine.store.dir,
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: String(concurrency),
      ...env,
      DATABASE_URL: engine.databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitUntil(
    'the worker process started',
    () => {
      if (child.exitCode !== null) throw new Error(`worker process exited: ${output}`);
      return output.includes('engine worker started');
    },
    20_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; its output: ${output}`);
  });
  return Object.assign(child, { output: () => output });
}
