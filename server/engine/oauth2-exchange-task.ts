import type pg from 'pg';
import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import oauth2 from '../../nodes/credentials/oauth2.credential.ts';
import { coerceError } from '../../nodes/errors.ts';
import { exchangeCode, TOKEN_REQUEST_TIMEOUT_MS } from '../credentials/oauth2.capability.ts';
import { OAuth2ExchangeJob, type OAuth2ExchangeResult, openExchange } from '../credentials/oauth2-connect.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { CredentialRepository } from '../store/repositories.ts';
import { openCredential } from './authenticated-http.ts';
import type { sendHttp } from './http.ts';
import { fetchThrough } from './send-fetch.ts';
import { answerApi } from './worker-requests.ts';

export interface CodeExchangeDeps {
  readonly credentials: Pick<CredentialRepository, 'secret' | 'storeTokens'>;
  readonly masterKey: MasterKey;
  /** As steps send: the token request leaves by the same path. */
  readonly send: typeof sendHttp;
  readonly pgPool: pg.Pool;
}

/**
 * The worker's side of connecting an OAuth 2 credential (graphile task `OAUTH2_EXCHANGE_TASK`):
 * exchanges the provider's code with the PKCE verifier for tokens, stores them sealed, and answers
 * the waiting callback. Never throws: a failed exchange is an answer too, and the job is not retried
 * (a code works once).
 */
export async function runCodeExchange(payload: unknown, deps: CodeExchangeDeps, signal?: AbortSignal) {
  await answerApi(
    deps.pgPool,
    OAuth2ExchangeJob.safeParse(payload),
    (job) => job.replyTo,
    (job) => codeExchange(job, deps, signal),
  );
}

async function codeExchange(
  job: OAuth2ExchangeJob,
  deps: CodeExchangeDeps,
  signal?: AbortSignal,
): Promise<OAuth2ExchangeResult> {
  try {
    const secret = openExchange(deps.masterKey, job);
    const credential = await openCredential(deps.credentials, deps.masterKey, job.credentialId);
    const definition = findCredentialType(credential.type);
    const settings = oauth2.secret.safeParse(credential.secret);
    if (definition !== oauth2 || !settings.success) {
      return { ok: false, message: `credential "${credential.name}" is not an OAuth 2 credential any more` };
    }
    const grant = await exchangeCode(
      settings.data,
      { ...secret, redirectUri: job.redirectUri },
      fetchThrough(deps.send, TOKEN_REQUEST_TIMEOUT_MS),
      signal,
    );
    await deps.credentials.storeTokens(deps.masterKey, job.credentialId, {
      tokens: grant.tokens,
      interactive: true,
      scopes: grant.scopes,
      connected: { by: job.userId },
    });
    return { ok: true, message: `connected "${credential.name}"`, scopes: grant.scopes ?? [] };
  } catch (thrown) {
    return { ok: false, message: coerceError(thrown).message };
  }
}
