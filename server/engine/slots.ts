import type pg from 'pg';
import type { Store } from '../store/db.ts';
import { isTestExecution } from '../store/executions.ts';

/**
 * How a worker shares its slots (WORKER_CONCURRENCY steps at once) between runs, so one run
 * cannot take them all: a run's steps beyond its share are deferred. A deferred job stores
 * nothing and did not fail: it goes back to the queue, due again about a second later, with the
 * queue attempt it took given back (queue attempts are for infrastructure failures only;
 * invariant "job keys").
 */
export const DEFAULT_RUN_CONCURRENCY = 4;

/** Slots test runs (drafts) may take together in a worker of `concurrency` slots: half, at least one. */
export const testRunSlots = (concurrency: number): number => Math.max(1, Math.floor(concurrency / 2));

/**
 * Which runs are test runs, read once per run (it never changes) from SQLite: synchronous, so a
 * job's share is checked and counted in the same turn.
 */
export class TestRuns {
  private readonly known = new Map<string, boolean>();
  private readonly store: Pick<Store, 'sqlite'>;

  constructor(store: Pick<Store, 'sqlite'>) {
    this.store = store;
  }

  has(executionId: string): boolean {
    let test = this.known.get(executionId);
    if (test === undefined) {
      // A run that is gone is no test run: its job returns at once anyway.
      test = isTestExecution(this.store.sqlite, executionId) ?? false;
      // Bounded: the oldest runs are forgotten first (a Map keeps insertion order).
      if (this.known.size >= 10_000) this.known.delete(this.known.keys().next().value as string);
      this.known.set(executionId, test);
    }
    return test;
  }
}

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
