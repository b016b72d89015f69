import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { startEmbeddedPostgres } from './embedded.ts';

export interface QueueDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  /**
   * Calls `listener` each time the embedded PostgreSQL, after stopping unexpectedly, was started
   * again (never for DATABASE_URL: an external one is only reported down, by /readyz).
   */
  onRestart(listener: () => void): void;
  close(): Promise<void>;
}

/** Written by the server so `stepwise worker` processes find the same queue. Holds a password: 0600. */
const engineFile = (dataDir: string) => join(dataDir, 'engine.json');
const EngineFile = z.object({ databaseUrl: z.string() });

/**
 * The PostgreSQL behind the run queue: DATABASE_URL when given, otherwise an embedded server the
 * caller owns (stopped by `close`). graphile-worker's schema is migrated before use.
 */
export async function openQueueDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'pgPort' | 'workers' | 'workerConcurrency'>,
  log: Logger,
): Promise<QueueDatabase> {
  // Loaded while the embedded PostgreSQL starts: the pool's driver, and graphile-worker (only its
  // migrations, here).
  const modules = Promise.all([import('./pool.ts'), import('graphile-worker')]);
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.pgPort,
        log,
        maxConnections: connectionsFor(config),
      });
  const url = config.databaseUrl ?? (embedded?.url as string);
  const [{ createPgPool }, { runMigrations }] = await modules;
  const pool = createPgPool(url, log, Math.max(10, config.workerConcurrency + 4));
  try {
    await runMigrations({ pgPool: pool });
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  writeFileSync(engineFile(config.dataDir), `${JSON.stringify({ databaseUrl: url })}\n`, { mode: 0o600 });
  return {
    url,
    pool,
    onRestart(listener) {
      embedded?.onRestart(listener);
    },
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

/**
 * Connections the embedded PostgreSQL accepts: this server's pool and event connection, and for
 * each worker process its pool (concurrency + 4) and event connection, counting `npm start`'s
 * workers twice for those started with `stepwise worker`; at least 100 (room for psql and tools).
 */
export function connectionsFor(config: Pick<Config, 'workers' | 'workerConcurrency'>): number {
  const server = Math.max(10, config.workerConcurrency + 4) + 1;
  const worker = config.workerConcurrency + 4 + 1;
  return Math.max(100, server + 2 * config.workers * worker + 10);
}

/** The queue a running server uses, for a worker started on its own. */
export function discoverQueueUrl(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (config.databaseUrl) return config.databaseUrl;
  const file = engineFile(config.dataDir);
  if (!existsSync(file)) {
    throw new Error(`no DATABASE_URL and no running Stepwise found (${file} is missing): start the server first`);
  }
  return EngineFile.parse(JSON.parse(readFileSync(file, 'utf8'))).databaseUrl;
}
