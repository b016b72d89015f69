import pg from 'pg';
import type { Logger } from '../log.ts';

/**
 * A connection pool for the run queue. An idle client's error (PostgreSQL restarted, network
 * blip) is logged rather than crashing the process; the pool replaces the client.
 */
export function createPgPool(connectionString: string, log: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', (error) => log.warn({ error: error.message }, 'idle PostgreSQL connection failed'));
  // A checked-out client's error surfaces through the query that fails; this only keeps it from crashing.
  pool.on('connect', (client) =>
    client.on('error', (error) => log.debug({ error: error.message }, 'PostgreSQL client error')),
  );
  return pool;
}
