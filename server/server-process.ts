import { loadConfig } from './config.ts';
import { exitOnConfigError } from './exit.ts';
import { prepareDataDir } from './file-modes.ts';
import { createLogger } from './log.ts';
import { superviseWorkers } from './processes/supervisor.ts';
import { ensureWebBundle } from './web/bundle.ts';

/**
 * Composition root of `npm start` (entered through server/main.ts): configuration, the run
 * queue's PostgreSQL (embedded unless DATABASE_URL is set), the supervised worker processes, then
 * the API and what runs beside it (serve-api.ts).
 *
 * The order is the start-up time: PostgreSQL and the workers boot in processes of their own, so
 * they are started first and this process loads the rest of its code meanwhile (the queue's code
 * and the API's, imported here at first need rather than before the first line runs). Measured
 * with bench/footprint.bench.ts: a worker started after the API listened answered the first
 * webhook about a second after it.
 */
export async function startServer(): Promise<void> {
  const config = exitOnConfigError(loadConfig);
  const log = createLogger(config.logLevel);
  prepareDataDir(config.dataDir);
  const opening = import('./pg/queue-database.ts').then(({ openQueueDatabase }) => openQueueDatabase(config, log));
  const storeOpening = import('./store/db.ts').then(({ openStore }) => openStore(config.sqliteFile));
  // A worker learns the queue's URL only once the SQLite file is migrated too: its own openStore
  // then finds nothing to do (two processes migrating one file at once would race).
  const queueUrl = Promise.all([opening, storeOpening]).then(([queue]) => queue.url);
  queueUrl.catch(() => undefined); // with no worker to send it to; the failure is thrown below
  const workers = superviseWorkers({ count: config.workers, queueUrl, log });
  try {
    const webDir = await ensureWebBundle(log);
    const { serveApi } = await import('./serve-api.ts');
    await serveApi({ config, log, webDir, store: await storeOpening, queue: await opening, workers });
  } catch (error) {
    await workers.stop();
    await (await opening.catch(() => undefined))?.close();
    throw error;
  }
}
