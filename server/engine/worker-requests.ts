import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventHub } from './event-hub.ts';
import { REPLIES_CHANNEL } from './queue.ts';

/**
 * The API process's way to have a worker do something for it (the API makes no outbound call
 * itself): a one-attempt job for `task` carrying `replyTo` and `expiresAt`, whose answer comes back
 * as a reply on the event hub, as a webhook waits for its run's result. Undefined after `waitMs`
 * without one (no worker running, or all of them busy); a worker that takes the job after
 * `expiresAt` drops it.
 */
export async function askWorker<T>(
  pool: pg.Pool,
  hub: Pick<EventHub, 'awaitReply'>,
  task: string,
  job: (ask: { replyTo: string; expiresAt: string }) => object,
  parseReply: (body: unknown) => T,
  waitMs: number,
): Promise<T | undefined> {
  const replyTo = randomUUID();
  const payload = job({ replyTo, expiresAt: new Date(Date.now() + waitMs).toISOString() });
  let stopWaiting = () => {};
  // Listening before the job exists: a quick worker cannot answer before anyone hears.
  const answered = new Promise<T | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), waitMs);
    const unsubscribe = hub.awaitReply(replyTo, (body) => resolve(parseReply(body)));
    stopWaiting = () => {
      clearTimeout(timer);
      unsubscribe();
    };
  });
  try {
    // One attempt: it is asked for now, and answered now or not at all.
    await pool.query('select graphile_worker.add_job($1, payload => $2::json, max_attempts => 1)', [
      task,
      JSON.stringify(payload),
    ]);
    return await answered;
  } finally {
    stopWaiting();
  }
}

/**
 * The worker's side of `askWorker`: does a job the API asked for and sends the answer back. A job
 * that does not parse, or that is picked up after `expiresAt` (nobody waits for it any more), is
 * dropped without doing anything. `work` never throws: a failure is an answer too.
 */
export async function answerApi<Job extends { readonly expiresAt: string }>(
  pool: Pick<pg.Pool, 'query'>,
  parsed: { success: true; data: Job } | { success: false },
  replyTo: (job: Job) => string,
  work: (job: Job) => Promise<unknown>,
): Promise<void> {
  if (!parsed.success || Date.parse(parsed.data.expiresAt) < Date.now()) return;
  const body = await work(parsed.data);
  await pool.query('select pg_notify($1, $2)', [
    REPLIES_CHANNEL,
    JSON.stringify({ replyTo: replyTo(parsed.data), body }),
  ]);
}
