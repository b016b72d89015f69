import type pg from 'pg';
import { DEAD_AFTER_MS } from '../engine/liveness.ts';
import { connectionLock } from '../store/connection-lock.ts';
import type { Store } from '../store/db.ts';

/**
 * Readiness (`GET /readyz`): whether this server can do its work now, component by component.
 * `/healthz` only says the process answers (liveness: restarting it would not help a dead
 * database); `/readyz` says whether it should be sent traffic.
 */
export type ComponentState = { state: 'up'; detail?: string } | { state: 'down'; reason: string };

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  components: Record<string, ComponentState>;
}

/** A probe resolves with an optional detail when its component works, and throws (the reason) when not. */
export type Probe = () => Promise<string | undefined>;

/** A probe that does not answer within this time counts as down (a hung connection is not ready). */
export const PROBE_TIMEOUT_MS = 3000;

export async function checkReadiness(
  probes: Record<string, Probe>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, ComponentState]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const detail = await Promise.race([probe(), timeout]);
        return [name, detail === undefined ? { state: 'up' } : { state: 'up', detail }];
      } catch (error) {
        return [name, { state: 'down', reason: (error as Error).message || String(error) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const components = Object.fromEntries(entries);
  return { status: entries.every(([, c]) => c.state === 'up') ? 'ready' : 'not ready', components };
}

/**
 * SQLite takes a write: the header's `user_version` is set to itself and committed (an empty
 * transaction would succeed on a read-only file). Through the connection lock, so it never lands
 * inside another caller's open transaction.
 */
export function sqliteWritable(store: Pick<Store, 'sqlite'>): Probe {
  const { sqlite } = store;
  return () =>
    connectionLock(sqlite).runOutside(() => {
      const version = sqlite.pragma('user_version', { simple: true }) as number;
      sqlite.pragma(`user_version = ${Number(version)}`);
      return undefined;
    });
}

/** PostgreSQL (the run queue's) answers a query. */
export function postgresAnswers(pool: pg.Pool): Probe {
  return async () => {
    await pool.query('select 1');
    return undefined;
  };
}

/** At least one engine worker has written its heartbeat recently (server/engine/liveness.ts). */
export function workerAlive(pool: pg.Pool, deadAfterMs = DEAD_AFTER_MS): Probe {
  return async () => {
    let alive: number;
    try {
      const { rows } = await pool.query(
        `select count(distinct process_id)::int as alive from stepwise_worker_heartbeats
         where last_seen > now() - make_interval(secs => $1::float8 / 1000)`,
        [deadAfterMs],
      );
      alive = (rows[0] as { alive: number }).alive;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') throw new Error('no engine worker has started yet');
      throw error;
    }
    if (alive === 0) throw new Error(`no engine worker heartbeat in the last ${deadAfterMs / 1000} s`);
    return `${alive} worker process${alive === 1 ? '' : 'es'} alive`;
  };
}
