import type pg from 'pg';

/**
 * How a worker shares its slots (WORKER_CONCURRENCY steps at once) between runs, so one run
 * cannot take them all: a run's steps beyond its share are deferred. A deferred job stores
 * nothing and did not fail: it goes back to the queue, due again about a second later, with the
 * queue attempt it took given back (queue attempts are for infrastructure failures only;
 * invariant "job keys").
 */
export const DEFAULT_RUN_CONCURRENCY = 4;

/** Thrown by a step job that is deferred: graphile-worker unlocks it (deferJob made it due soon). */
export class StepDeferred extends Error {
  override name = 'StepDeferred';
  constructor(reason: string) {
    super(`deferred: ${reason}`);
  }
}

/**
 * Gives a running job's queue attempt back before it is thrown back to the queue. graphile-worker
 * then unlocks it due `exp(attempts)` seconds later (its own backoff, computed from the attempts
 * this sets): one second from now for a job no infrastructure failure has hit. Only a job still
 * locked is touched (one of ours, running). graphile-worker has no public call for this while the
 * job is locked (`reschedule_jobs` skips locked jobs), hence its table.
 */
export async function deferJob(pool: pg.Pool, jobId: string): Promise<void> {
  await pool.query(
    `update graphile_worker._private_jobs
        set attempts = greatest(attempts - 1, 0)
      where id = $1::bigint and locked_at is not null`,
    [jobId],
  );
}
