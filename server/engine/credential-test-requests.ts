import type pg from 'pg';
import { type ConnectionTester, type ConnectionTestJob, ConnectionTestResult } from '../credentials/connection-test.ts';
import type { EventHub } from './event-hub.ts';
import { CREDENTIAL_TEST_TASK } from './queue.ts';
import { askWorker } from './worker-requests.ts';

/** How long the API waits for a worker's answer: the test's own request may take 10 s of it. */
export const CONNECTION_TEST_WAIT_MS = 20_000;

/**
 * The API process's side of "Test connection": a job for a worker (the API makes no outbound call
 * itself), answered over the event hub (worker-requests.ts); undefined after `waitMs` without one.
 */
export function connectionTester(
  pool: pg.Pool,
  hub: Pick<EventHub, 'awaitReply'>,
  waitMs = CONNECTION_TEST_WAIT_MS,
): ConnectionTester {
  return {
    test: (request) =>
      askWorker(
        pool,
        hub,
        CREDENTIAL_TEST_TASK,
        ({ replyTo, expiresAt }): ConnectionTestJob => ({ ...request, testId: replyTo, expiresAt }),
        (body) => {
          const result = ConnectionTestResult.safeParse(body);
          return result.success
            ? result.data
            : { ok: false, message: 'the worker sent an answer that is not a test result' };
        },
        waitMs,
      ),
  };
}
