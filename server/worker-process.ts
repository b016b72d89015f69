import { loadConfig } from './config.ts';
import { refusingPrivateAddresses, sendHttp } from './engine/http.ts';
import { startWorker } from './engine/worker.ts';
import { exitOnConfigError, stopOnSignals } from './exit.ts';
import { createLogger } from './log.ts';
import { createPgPool } from './pg/pool.ts';
import { discoverQueueUrl } from './pg/queue-database.ts';
import { loadMasterKey } from './security/master-key.ts';
import { openStore } from './store/db.ts';

/**
 * An engine worker process: runs steps from the queue against the shared SQLite file. Started by
 * `npm start` (supervised) or on its own with `npm run worker` to use more cores.
 */
export async function runWorkerProcess(): Promise<void> {
  const config = exitOnConfigError(loadConfig);
  const log = createLogger(config.logLevel).child({ process: 'worker' });
  const store = openStore(config.sqliteFile);
  const pgPool = createPgPool(discoverQueueUrl(config), log, config.workerConcurrency + 4);
  // Listening from the start: a signal (or the server's death) during start-up must not be missed.
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const starting = startWorker({
    store,
    pgPool,
    log,
    concurrency: config.workerConcurrency,
    runConcurrency: config.workerRunConcurrency,
    masterKey,
    drainMs: config.workerDrainSeconds * 1000,
    sandbox: { expressionTimeoutMs: config.expressionBudgetMs },
    ...(config.httpRefusePrivateAddresses ? { sendHttp: refusingPrivateAddresses(sendHttp) } : {}),
  });
  stopOnSignals(async (signal) => {
    // Steps still running after the drain grace are released, not failed: another worker resumes
    // them. Only then are the pool and the store closed, so no result is left half-written.
    log.info({ signal, graceSeconds: config.workerDrainSeconds }, 'worker draining');
    await (await starting).stop();
    await pgPool.end();
    store.close();
    log.info('worker stopped');
  });
  await starting;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runWorkerProcess().catch((error: unknown) => {
    process.stderr.write(`worker failed to start: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
