import type pg from 'pg';
import { type CodeExchanger, OAuth2ExchangeResult, sealExchange } from '../credentials/oauth2-connect.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { EventHub } from './event-hub.ts';
import { OAUTH2_EXCHANGE_TASK } from './queue.ts';
import { askWorker } from './worker-requests.ts';

/** How long the callback waits for a worker's exchange: its token request may take 15 s of it. */
export const CODE_EXCHANGE_WAIT_MS = 25_000;

/** The API process's side of the code exchange: a worker does it (worker-requests.ts). */
export function codeExchanger(
  pool: pg.Pool,
  hub: Pick<EventHub, 'awaitReply'>,
  key: MasterKey,
  waitMs = CODE_EXCHANGE_WAIT_MS,
): CodeExchanger {
  return {
    exchange: ({ secret, ...request }) =>
      askWorker(
        pool,
        hub,
        OAUTH2_EXCHANGE_TASK,
        ({ replyTo, expiresAt }) => ({ ...request, replyTo, expiresAt, sealed: sealExchange(key, replyTo, secret) }),
        (body) => {
          const result = OAuth2ExchangeResult.safeParse(body);
          return result.success
            ? result.data
            : { ok: false, message: 'the worker sent an answer that is not an exchange result' };
        },
        waitMs,
      ),
  };
}
