import type pg from 'pg';
import { z } from 'zod';
import type { PendingStep } from '../core/engine/plan.ts';
import type { EngineEvent } from './events.ts';

/** The one graphile-worker task: run one attempt of one node of one execution. */
export const STEP_TASK = 'stepwise_step';
export const EVENTS_CHANNEL = 'stepwise_events';

/** Job payloads are parsed when a job starts: an older Stepwise may have written them. */
export const StepJob = z.object({
  executionId: z.string().min(1),
  nodeId: z.string().min(1),
  attempt: z.number().int().min(1),
});
export type StepJob = z.output<typeof StepJob>;

/** One job per (execution, node, attempt): the key makes queueing the same step again a no-op. */
export const stepJobKey = (job: StepJob) => `step:${job.executionId}:${job.nodeId}:${job.attempt}`;

/**
 * Attempts at the queue level are for infrastructure failures only (database busy, worker
 * crash); a node's own failures are retried by its retry policy, as new jobs.
 */
const INFRASTRUCTURE_ATTEMPTS = 10;

/**
 * Queues steps and publishes engine events in one round trip. `unsafe_dedupe` keeps a step from
 * being queued twice while its job exists, even when that job is already running.
 */
export async function enqueueSteps(
  pool: pg.Pool | pg.PoolClient,
  executionId: string,
  steps: readonly PendingStep[],
  events: readonly EngineEvent[] = [],
): Promise<void> {
  if (steps.length === 0 && events.length === 0) return;
  const specs = steps.map((step) => {
    const job: StepJob = { executionId, nodeId: step.nodeId, attempt: step.attempt };
    return { payload: job, run_at: step.runAt ?? null, key: stepJobKey(job) };
  });
  await pool.query({
    // Named, so PostgreSQL plans it once per connection instead of parsing it for every step.
    name: 'stepwise_enqueue',
    text: `select
       (select count(*) from (
          select graphile_worker.add_job($1, payload => s.payload, run_at => coalesce(s.run_at, now()),
                 max_attempts => $2, job_key => s.key, job_key_mode => 'unsafe_dedupe')
          from json_to_recordset($3::json) as s(payload json, run_at timestamptz, key text)
        ) added),
       (select count(*) from (select pg_notify($4, e.value) from json_array_elements_text($5::json) e) notified)`,
    values: [
      STEP_TASK,
      INFRASTRUCTURE_ATTEMPTS,
      JSON.stringify(specs),
      EVENTS_CHANNEL,
      JSON.stringify(events.map((event) => JSON.stringify(event))),
    ],
  });
}

/** Drops queued (not running) jobs of steps that must no longer run, e.g. after a cancel. */
export async function removeSteps(pool: pg.Pool, executionId: string, steps: readonly PendingStep[]): Promise<void> {
  if (steps.length === 0) return;
  const keys = steps.map((step) => stepJobKey({ executionId, nodeId: step.nodeId, attempt: step.attempt }));
  await pool.query('select graphile_worker.remove_job(key) from unnest($1::text[]) key', [keys]);
}
