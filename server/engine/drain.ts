import type pg from 'pg';
import { StepReleased } from '../core/engine/released.ts';

/**
 * Draining a worker that is told to stop (SIGTERM). graphile-worker stops taking jobs and waits
 * for the running ones; when the drain grace is over (timed on the engine's clock, worker.ts), the
 * steps' abort signal fires. A step still running then is released, not failed: it did not fail, its
 * worker left. The step runner throws `StepReleased` without storing anything (an action's claim
 * stays `running` under its job, which is how the same job, picked up again, takes it over), so
 * graphile-worker unlocks the job as a failure, with its backoff; `requeueReleasedJobs` then
 * makes it due at once and gives the queue attempt back, so another worker resumes the step
 * within its poll interval.
 */
export const DEFAULT_DRAIN_MS = 10_000;

export { StepReleased } from '../core/engine/released.ts';

/**
 * Runs `work` until it settles or `signal` aborts, whichever comes first: a node that ignores
 * its signal must not hold a stopping worker past the grace (its late result is dropped: the job
 * is released and runs the step again elsewhere). A signal already aborted does not start it.
 */
export function untilReleased<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  if (!signal) return work();
  if (signal.aborted) return Promise.reject(new StepReleased());
  return new Promise<T>((resolve, reject) => {
    const release = () => reject(new StepReleased());
    signal.addEventListener('abort', release, { once: true });
    work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', release));
  });
}

/**
 * Makes released jobs due now, with the queue attempt their run took given back (as
 * graphile-worker does for the jobs of its local queue it returns unstarted): a worker stopped
 * ten times does not use up a step's infrastructure attempts. `attempts` maps a job id to the
 * attempts it had while it ran. `reschedule_jobs` (graphile-worker's admin function, behind
 * `WorkerUtils.rescheduleJobs`) only touches unlocked jobs, so a job already taken again is left
 * alone. Answers how many were requeued.
 */
export async function requeueReleasedJobs(pool: pg.Pool, attempts: ReadonlyMap<string, number>): Promise<number> {
  let requeued = 0;
  for (const [jobId, ran] of attempts) {
    const { rowCount } = await pool.query(
      'select * from graphile_worker.reschedule_jobs(array[$1::bigint], run_at := now(), attempts := $2::int)',
      [jobId, Math.max(0, ran - 1)],
    );
    requeued += rowCount ?? 0;
  }
  return requeued;
}
