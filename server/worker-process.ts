import type pg from 'pg';
import { loadConfig } from './config.ts';
import { refusingPrivateAddresses, sendHttp } from './engine/http.ts';
import { type EngineWorker, startWorker } from './engine/worker.ts';
import { exitOnConfigError, stopOnSignals } from './exit.ts';
import { createLogger } from './log.ts';
import { loadConfiguredPacks } from './packs/start.ts';
import { createPgPool } from './pg/pool.ts';
import { discoverQueueUrl } from './pg/queue-database.ts';
import { receiveQueueUrl } from './processes/queue-handoff.ts';
import { settleMemoryAfterStart } from './processes/settle-memory.ts';
import { SandboxPool } from './sandbox/pool.ts';
import { loadMasterKey } from './security/master-key.ts';
import { openStore, type Store } from './store/db.ts';

/**
 * An engine worker process (entered through server/worker-main.ts): runs steps from the queue
 * against the shared SQLite file. Started by `npm start` (supervised) or on its own with
 * `npm run worker` to use more cores. `queueUrlFromParent`: the supervising server sends the queue's
 * URL once its PostgreSQL is up (processes/queue-handoff.ts); else DATABASE_URL, or the URL a
 * running server wrote in the data dir.
 */
export async function runWorkerProcess(options: { queueUrlFromParent?: boolean } = {}): Promise<void> {
  const config = exitOnConfigError(loadConfig);
  const log = createLogger(config.logLevel).child({ process: 'worker' });
  // Listening from the start: a signal (or the server's death) during start-up, even while the
  // queue's URL has not come yet, must not be missed.
  let running: { starting: Promise<EngineWorker>; pgPool: pg.Pool; store: Store } | undefined;
  stopOnSignals(async (signal) => {
    // Steps still running after the drain grace are released, not failed: another worker resumes
    // them. Only then are the pool and the store closed, so no result is left half-written.
    log.info({ signal, graceSeconds: config.workerDrainSeconds }, 'worker draining');
    if (running) {
      await (await running.starting).stop();
      await running.pgPool.end();
      running.store.close();
    }
    log.info('worker stopped');
  });
  // Warmed while the queue's URL is on its way: the first step then finds its isolates made.
  const sandbox = new SandboxPool({ expressionTimeoutMs: config.expressionBudgetMs });
  sandbox.warm();
  // Before the first step is taken: a step of a pack's node type must find it in the catalogue.
  await loadConfiguredPacks(config, log);
  const queueUrl =
    options.queueUrlFromParent && !config.databaseUrl ? await receiveQueueUrl() : discoverQueueUrl(config);
  const store = openStore(config.sqliteFile);
  const pgPool = createPgPool(queueUrl, log, config.workerConcurrency + 4);
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const starting = startWorker({
    store,
    pgPool,
    log,
    concurrency: config.workerConcurrency,
    runConcurrency: config.workerRunConcurrency,
    loopMaxItems: config.loopMaxItems,
    masterKey,
    publicUrl: config.publicUrl ?? localUrl(config.host, config.port),
    drainMs: config.workerDrainSeconds * 1000,
    sandbox,
    subworkflowMaxDepth: config.subworkflowMaxDepth,
    ...(config.httpRefusePrivateAddresses ? { sendHttp: refusingPrivateAddresses(sendHttp) } : {}),
  });
  running = { starting, pgPool, store };
  await starting;
  settleMemoryAfterStart((error) => log.warn({ error: error.message }, 'could not settle memory after start'));
}

/** This server's own address, for resume URLs when no PUBLIC_URL is set (a wildcard host: loopback). */
function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
