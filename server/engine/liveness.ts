import type pg from 'pg';
import type { Logger } from '../log.ts';

/**
 * Crash takeover. graphile-worker releases the jobs of a worker that died only after its lock
 * expires (4 hours), so a run would wait that long. Instead every worker process writes a
 * heartbeat for the lock owners it runs (its pool and worker ids), and every worker regularly
 * unlocks jobs whose owner has stopped beating: another worker then takes the step over within
 * seconds (the step runner lets the same job take over its own claim).
 */
export const HEARTBEAT_INTERVAL_MS = 2000;
/** A lock owner silent for this long is dead; its jobs also must have been locked this long. */
export const DEAD_AFTER_MS = 10_000;

const TABLE = 'stepwise_worker_heartbeats';

export async function ensureHeartbeatTable(pool: pg.Pool): Promise<void> {
  await pool.query(
    `create table if not exists ${TABLE} (
       locker_id text primary key,
       process_id text not null,
       last_seen timestamptz not null default now()
     )`,
  );
}

/** Unlocks jobs held by owners that have not beaten for `deadAfterMs`; answers the owners released. */
export async function releaseDeadWorkers(pool: pg.Pool, deadAfterMs = DEAD_AFTER_MS): Promise<string[]> {
  const { rows } = await pool.query(
    `select distinct jobs.locked_by as locker
     from graphile_worker.jobs as jobs
     where jobs.locked_at is not null
       and jobs.locked_at < now() - make_interval(secs => $1::float8 / 1000)
       and not exists (
         select 1 from ${TABLE} as beats
         where beats.locker_id = jobs.locked_by
           and beats.last_seen > now() - make_interval(secs => $1::float8 / 1000)
       )`,
    [deadAfterMs],
  );
  const lockers = rows.map((row: { locker: string }) => row.locker);
  if (lockers.length > 0) await pool.query('select graphile_worker.force_unlock_workers($1::text[])', [lockers]);
  return lockers;
}

export class Liveness {
  private readonly lockers = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pool: pg.Pool;
  private readonly log: Logger;
  private readonly processId: string;
  /** The beat under way, if one is; `beatAgain` asks it for one more when it ends. */
  private beating: Promise<void> | undefined;
  private beatAgain = false;

  constructor(pool: pg.Pool, log: Logger, processId: string) {
    this.pool = pool;
    this.log = log;
    this.processId = processId;
  }

  /** A lock owner (a graphile-worker pool or worker id) this process runs. */
  track(lockerId: string): void {
    this.lockers.add(lockerId);
    this.beatSoon();
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pool
      .query(`delete from ${TABLE} where locker_id = any($1::text[])`, [[...this.lockers]])
      .catch(() => undefined);
  }

  private async tick(): Promise<void> {
    await this.beat();
    try {
      const released = await releaseDeadWorkers(this.pool);
      if (released.length > 0) this.log.warn({ lockers: released }, 'released the jobs of workers that stopped');
    } catch (error) {
      this.log.warn({ error: (error as Error).message }, 'could not check for dead workers');
    }
  }

  /**
   * A new owner's heartbeat is written at once, but owners tracked together share one write: a
   * worker creates its pool and each of its workers in the same turn, and a write each would open a
   * PostgreSQL connection each (ten idle backends for a worker of concurrency 10, a few MiB each).
   */
  private beatSoon(): void {
    if (this.beating) {
      this.beatAgain = true;
      return;
    }
    this.beating = (async () => {
      await Promise.resolve(); // the owners tracked in this turn join this beat
      do {
        this.beatAgain = false;
        await this.beat();
      } while (this.beatAgain);
    })().finally(() => {
      this.beating = undefined;
    });
  }

  private async beat(): Promise<void> {
    if (this.lockers.size === 0) return;
    try {
      await this.pool.query(
        `insert into ${TABLE} (locker_id, process_id, last_seen)
         select locker, $2, now() from unnest($1::text[]) locker
         on conflict (locker_id) do update set last_seen = now()`,
        [[...this.lockers], this.processId],
      );
    } catch (error) {
      this.log.warn({ error: (error as Error).message }, 'could not record the worker heartbeat');
    }
  }
}
