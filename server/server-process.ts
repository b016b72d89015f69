import { loadConfig } from './config.ts';
import { exitOnConfigError } from './exit.ts';
import { prepareDataDir } from './file-modes.ts';
import { createLogger } from './log.ts';
import { superviseWorkers } from './processes/supervisor.ts';
import { ensureWebBundle } from './web/bundle.ts';

/**
 * Composition root of `npm start` (entered through server/cli.ts, which start.mjs runs, or
 * server/main.ts): configuration, the run queue's PostgreSQL (embedded unless DATABASE_URL is set),
 * the supervised worker processes, then the API and what runs beside it (serve-api.ts).
 *
 * The order is the start-up time (bench/footprint.bench.ts): PostgreSQL and the workers boot in
 * processes of their own, so they are started first, and this process loads the rest of its code
 * (the queue's, then the API's, imported here at first need rather than before the first line
 * runs) while they boot. A worker started after the API listened answered the first webhook about
 * a second after it.
 */
export async function startServer(): Promise<void> {
  const config = exitOnConfigError(loadConfig);
  const log = createLogger(config.logLevel);
  prepareDataDir(config.dataDir);
  // Before anything starts: a pack that fails stops start-up here, with nothing to tear down.
  if (config.nodePacks.length > 0) await (await import('./packs/start.ts')).loadConfiguredPacks(config, log);
  const queueUrl = Promise.withResolvers<string>();
  queueUrl.promise.catch(() => undefined); // with no worker to send it to; the failure is thrown below
  const workers = superviseWorkers({ count: config.workers, queueUrl: queueUrl.promise, log });
  // PostgreSQL is started before anything else loads: until its postmaster is spawned, this
  // thread's module loading is what the start waits for.
  const { openQueueDatabase } = await import('./pg/queue-database.ts');
  const opening = openQueueDatabase(config, log);
  const storeOpening = import('./store/db.ts').then(({ openStore }) => openStore(config.sqliteFile));
  // A worker learns the queue's URL only once the SQLite file is migrated too: its own openStore
  // then finds nothing to do (two processes migrating one file at once would race).
  queueUrl.resolve(Promise.all([opening, storeOpening]).then(([queue]) => queue.url));
  try {
    const webDir = await ensureWebBundle(log);
    // The API's code is loaded once the workers have the queue's URL: loading it alongside kept
    // this thread from noticing PostgreSQL was ready, and the workers waited (0.3-0.4 s, measured).
    await queueUrl.promise;
    const { serveApi } = await import('./serve-api.ts');
    await serveApi({ config, log, webDir, store: await storeOpening, queue: await opening, workers });
  } catch (error) {
    await workers.stop();
    await (await opening.catch(() => undefined))?.close();
    throw error;
  }
}
