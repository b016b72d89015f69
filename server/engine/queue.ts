import type pg from 'pg';
import type { EngineEvent } from '../core/engine/events.ts';
import { executionKeyPrefix, jobKeyOf, type RunJob, runJobKey, type StepJobSpec } from '../core/engine/jobs.ts';
import type { StepQueue } from '../core/engine/ports.ts';

/** The one graphile-worker task: run one attempt of one step (a node in a scope) of one execution. */
export const STEP_TASK = 'stepwise_step';
export const EVENTS_CHANNEL = 'stepwise_events';
/** A worker's answer to something the API asked for (a credential test, a code exchange), as `{ replyTo, body }`. */
export const REPLIES_CHANNEL = 'stepwise_replies';
/**
 * The graphile-worker task that resumes a suspended step when its time comes (a wait until a time,
 * a timeout: `Wait.timer`, server/engine/wait-timers.ts). Keyed like its step's jobs, `:timer` after.
 */
export const WAIT_TIMER_TASK = 'stepwise_wait_timer';
/** The graphile-worker task that tests a credential (server/engine/credential-test-task.ts). */
export const CREDENTIAL_TEST_TASK = 'stepwise_credential_test';
/** The graphile-worker task that exchanges an OAuth 2 code for tokens (server/engine/oauth2-exchange-task.ts). */
export const OAUTH2_EXCHANGE_TASK = 'stepwise_oauth2_exchange';
/** The graphile-worker task of jobs about whole runs: time limits, error workflows (run-task.ts). */
export const RUN_TASK = 'stepwise_run';

export { StepJob, type StepJobSpec, specsFor, stepJobKey } from '../core/engine/jobs.ts';

/**
 * Queues a job about a whole run, keyed per kind and run (`unsafe_dedupe`: one waiting at a time),
 * due at its `runAt` (a time limit) or now. Rare (a capped run's start, a failure with an error
 * workflow), so sent on its own rather than batched with step jobs.
 */
export async function addRunJob(pool: pg.Pool, job: RunJob): Promise<void> {
  await pool.query(
    `select graphile_worker.add_job($1, payload => $2::json, run_at => coalesce($3::timestamptz, now()),
       max_attempts => $4, job_key => $5, job_key_mode => 'unsafe_dedupe')`,
    [RUN_TASK, JSON.stringify(job), 'runAt' in job ? job.runAt : null, INFRASTRUCTURE_ATTEMPTS, runJobKey(job)],
  );
}

/**
 * Attempts at the queue level are for infrastructure failures only (database busy, worker
 * crash); a node's own failures are retried by its retry policy, as new jobs.
 */
const INFRASTRUCTURE_ATTEMPTS = 10;

/**
 * Queues step jobs and publishes engine events in one round trip and one commit; the events'
 * NOTIFYs go out when the jobs they announce are committed. Every job has a key, in
 * `unsafe_dedupe` mode: a step already waiting or running in the queue is not queued again
 * (measured: cheaper for PostgreSQL than `add_jobs`' replace semantics), and a cancel finds an
 * execution's jobs by key.
 */
export async function addStepJobs(
  pool: pg.Pool | pg.PoolClient,
  jobs: readonly StepJobSpec[],
  events: readonly EngineEvent[] = [],
): Promise<void> {
  if (jobs.length === 0 && events.length === 0) return;
  await pool.query({
    // Named, so PostgreSQL plans it once per connection instead of parsing it on every call.
    name: 'stepwise_add_step_jobs',
    text: `select
       (select count(*) from (
          select graphile_worker.add_job(s.task, payload => s.payload, run_at => coalesce(s.run_at, now()),
                 max_attempts => $1, job_key => s.key, job_key_mode => 'unsafe_dedupe')
          from json_to_recordset($2::json) as s(task text, payload json, run_at timestamptz, key text)
        ) added) as added,
       (select count(*) from (select pg_notify($3, e.value) from json_array_elements_text($4::json) e) sent) as notified`,
    values: [
      INFRASTRUCTURE_ATTEMPTS,
      JSON.stringify(
        jobs.map((job) => ({
          task: job.timer ? WAIT_TIMER_TASK : STEP_TASK,
          payload: { executionId: job.executionId, nodeId: job.nodeId, scope: job.scope, attempt: job.attempt },
          run_at: job.runAt ?? null,
          key: jobKeyOf(job),
        })),
      ),
      EVENTS_CHANNEL,
      JSON.stringify(notificationPayloads(events)),
    ],
  });
}

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; stay well below it. */
const MAX_PAYLOAD_BYTES = 7500;

/**
 * Events as few NOTIFY payloads as fit: each a JSON array of events. Every notification is read
 * by every listening connection, so one per batch instead of one per event saves PostgreSQL and
 * the listening API processes most of that work (measured: several events per step).
 */
export function notificationPayloads(events: readonly EngineEvent[]): string[] {
  const payloads: string[] = [];
  let batch: string[] = [];
  let bytes = 2;
  for (const event of events) {
    const text = JSON.stringify(event);
    const size = Buffer.byteLength(text) + 1;
    if (batch.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(`[${batch.join(',')}]`);
      batch = [];
      bytes = 2;
    }
    batch.push(text);
    bytes += size;
  }
  if (batch.length > 0) payloads.push(`[${batch.join(',')}]`);
  return payloads;
}

/** Whether a queue job still exists (waiting, running, or failed and to be retried). */
export async function jobExists(pool: pg.Pool, jobId: string): Promise<boolean> {
  if (!/^\d+$/.test(jobId)) return false;
  const { rows } = await pool.query(
    'select exists(select 1 from graphile_worker.jobs where id = $1::bigint) as found',
    [jobId],
  );
  return (rows[0] as { found: boolean }).found;
}

/** Drops an execution's queued (not running) step jobs and wait timers, e.g. after a cancel; answers how many. */
export async function removeQueuedSteps(pool: pg.Pool, executionId: string): Promise<number> {
  const { rows } = await pool.query(
    `select count(*)::int as removed from graphile_worker.complete_jobs(array(
       select id from graphile_worker.jobs
       where task_identifier = any($1::text[]) and locked_at is null and key like $2
     ))`,
    [[STEP_TASK, WAIT_TIMER_TASK], `${executionKeyPrefix(executionId).replace(/[\\%_]/g, '\\$&')}%`],
  );
  return (rows[0] as { removed: number }).removed;
}

/**
 * Gathers the jobs and events that steps want to queue and sends them in one query, with at most
 * one such query in flight: what arrives while one is on its way goes in the next, right after.
 * Under load that is one commit for many steps instead of one each, and the batches grow as the
 * load does (group commit). Batches go out in order, so events are published in the order they
 * were added. Each caller's promise settles when its jobs are durably queued, so a step's own job
 * is completed only after its successors exist. The engine's `StepQueue` on PostgreSQL.
 */
export class StepJobBatcher implements StepQueue {
  private jobs: StepJobSpec[] = [];
  private events: EngineEvent[] = [];
  private waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private sending = false;
  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  add(jobs: readonly StepJobSpec[], events: readonly EngineEvent[] = []): Promise<void> {
    if (jobs.length === 0 && events.length === 0) return Promise.resolve();
    this.jobs.push(...jobs);
    this.events.push(...events);
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  exists(jobId: string): Promise<boolean> {
    return jobExists(this.pool, jobId);
  }

  removeQueued(executionId: string): Promise<number> {
    return removeQueuedSteps(this.pool, executionId);
  }

  addRunJob(job: RunJob): Promise<void> {
    return addRunJob(this.pool, job);
  }

  private schedule(): void {
    if (this.scheduled || this.sending || this.waiting.length === 0) return;
    this.scheduled = true;
    // The rest of this turn's steps join the batch before it leaves.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const jobs = this.jobs;
    const events = this.events;
    const waiting = this.waiting;
    this.jobs = [];
    this.events = [];
    this.waiting = [];
    this.scheduled = false;
    this.sending = true;
    try {
      await addStepJobs(this.pool, jobs, events);
      for (const caller of waiting) caller.resolve();
    } catch (error) {
      for (const caller of waiting) caller.reject(error);
    } finally {
      this.sending = false;
      this.schedule();
    }
  }
}
