import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type ConnectionTester, type ConnectionTestJob, ConnectionTestResult } from '../credentials/connection-test.ts';
import type { EventHub } from './event-hub.ts';
import { CREDENTIAL_TEST_TASK } from './queue.ts';

/** How long the API waits for a worker's answer: the test's own request may take 10 s of it. */
export const CONNECTION_TEST_WAIT_MS = 20_000;

/**
 * The API process's side of "Test connection": a job for a worker (the API makes no outbound call
 * itself), whose answer comes back as a reply on the event hub, as a webhook waits for its run's
 * result; undefined after `waitMs` without one (no worker running, or all of them busy).
 */
export function connectionTester(
  pool: pg.Pool,
  hub: Pick<EventHub, 'awaitReply'>,
  waitMs = CONNECTION_TEST_WAIT_MS,
): ConnectionTester {
  return {
    async test(request) {
      const testId = randomUUID();
      const job: ConnectionTestJob = {
        ...request,
        testId,
        expiresAt: new Date(Date.now() + waitMs).toISOString(),
      };
      let stopWaiting = () => {};
      // Listening before the job exists: a quick worker cannot answer before anyone hears.
      const answered = new Promise<ConnectionTestResult | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), waitMs);
        const unsubscribe = hub.awaitReply(testId, (body) => {
          const result = ConnectionTestResult.safeParse(body);
          resolve(
            result.success
              ? result.data
              : { ok: false, message: 'the worker sent an answer that is not a test result' },
          );
        });
        stopWaiting = () => {
          clearTimeout(timer);
          unsubscribe();
        };
      });
      try {
        // One attempt: a test is asked for now, and answered now or not at all.
        await pool.query('select graphile_worker.add_job($1, payload => $2::json, max_attempts => 1)', [
          CREDENTIAL_TEST_TASK,
          JSON.stringify(job),
        ]);
        return await answered;
      } finally {
        stopWaiting();
      }
    },
  };
}
