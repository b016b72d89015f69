import { z } from 'zod';
import type { MasterKey } from '../security/master-key.ts';
import { open, seal } from '../security/seal.ts';

/*
 * Connecting an OAuth 2 credential (authorization code with PKCE). The API starts it ("Connect":
 * state and verifier kept server-side) and takes the provider's answer at its callback; a worker
 * exchanges the code for tokens, since the API process makes no outbound call, and answers over
 * PostgreSQL NOTIFY as "Test connection" does. The API side is server/engine/oauth2-exchange-requests.ts,
 * the worker's server/engine/oauth2-exchange-task.ts, the routes server/api/routes/credential-connections.ts.
 */

/** How long an admin has to consent at the provider after clicking Connect. */
export const AUTHORIZATION_TTL_MS = 10 * 60_000;

/** Where providers send the admin back: under PUBLIC_URL (else this request's address). */
export const CALLBACK_PATH = '/api/v1/oauth2/callback';

/** The cookie that ties a started authorization to the browser that started it (its value is the state). */
export const STATE_COOKIE = 'stepwise_oauth2_state';

/** What the exchange carries sealed: the provider's answer and the PKCE verifier, readable only with the master key. */
const ExchangeSecret = z.object({ callbackQuery: z.string(), state: z.string(), codeVerifier: z.string() });
export type ExchangeSecret = z.output<typeof ExchangeSecret>;

const base64 = z.base64();

/** A code exchange as a worker's job carries it; parsed, as every job payload is. */
export const OAuth2ExchangeJob = z.object({
  replyTo: z.string(),
  credentialId: z.string(),
  /** The admin who connects it, recorded with the connection. */
  userId: z.string(),
  redirectUri: z.string(),
  sealed: z.object({ ciphertext: base64, iv: base64, authTag: base64, keyId: z.string() }),
  expiresAt: z.iso.datetime(),
});
export type OAuth2ExchangeJob = z.output<typeof OAuth2ExchangeJob>;

/** The worker's answer: connected (with the scopes granted), or why not, in words. */
export const OAuth2ExchangeResult = z.object({
  ok: z.boolean(),
  message: z.string(),
  scopes: z.array(z.string()).optional(),
});
export type OAuth2ExchangeResult = z.output<typeof OAuth2ExchangeResult>;

/** How the API has a worker exchange a code; undefined when no worker answered in time. */
export interface CodeExchanger {
  exchange(
    request: Omit<OAuth2ExchangeJob, 'replyTo' | 'expiresAt' | 'sealed'> & { secret: ExchangeSecret },
  ): Promise<OAuth2ExchangeResult | undefined>;
}

const context = (replyTo: string) => `oauth2-exchange/${replyTo}`;

/** The code and verifier sealed for the job: the queue's table never holds them readable. */
export function sealExchange(key: MasterKey, replyTo: string, secret: ExchangeSecret): OAuth2ExchangeJob['sealed'] {
  const sealed = seal(key, JSON.stringify(secret), context(replyTo));
  return {
    ciphertext: sealed.ciphertext.toString('base64'),
    iv: sealed.iv.toString('base64'),
    authTag: sealed.authTag.toString('base64'),
    keyId: sealed.keyId,
  };
}

export function openExchange(key: MasterKey, job: OAuth2ExchangeJob): ExchangeSecret {
  const { sealed } = job;
  const text = open(
    key,
    {
      ciphertext: Buffer.from(sealed.ciphertext, 'base64'),
      iv: Buffer.from(sealed.iv, 'base64'),
      authTag: Buffer.from(sealed.authTag, 'base64'),
      keyId: sealed.keyId,
    },
    context(job.replyTo),
  );
  return ExchangeSecret.parse(JSON.parse(text));
}
