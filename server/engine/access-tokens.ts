import type pg from 'pg';
import { NonRetryableError } from '../../nodes/errors.ts';
import { capabilityOf } from '../credentials/capabilities.ts';
import { TokenRefused } from '../credentials/define-capability.ts';
import { TOKEN_REQUEST_TIMEOUT_MS } from '../credentials/oauth2.capability.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { OpenConnection } from '../store/credential-connections.ts';
import type { OpenCredential } from '../store/credentials.ts';
import type { CredentialRepository } from '../store/repositories.ts';
import type { sendHttp } from './http.ts';
import { fetchThrough } from './send-fetch.ts';

/*
 * Access tokens of credentials whose requests carry one (OAuth 2), in the worker: the stored token
 * while it is good, else a new one from the provider, one renewal at a time per credential across
 * every worker and process (a PostgreSQL advisory lock), stored sealed for everyone after.
 */

/** A token this close to its expiry is renewed before use: a request may take a while to arrive. */
export const EXPIRY_MARGIN_MS = 60_000;

/** Advisory locks of token renewals: `(RENEWAL_LOCK_CLASS, hashtext(credential id))`. A hash collision only makes two renewals wait for each other. */
const RENEWAL_LOCK_CLASS = 0x0a07_0002;

/** How long a worker waits for another's renewal of the same credential (token requests take at most 15 s). */
const LOCK_WAIT = '45s';

export interface AccessTokenDeps {
  readonly credentials: Pick<CredentialRepository, 'connection' | 'storeTokens' | 'markReconnectNeeded'>;
  readonly masterKey: MasterKey;
  readonly pgPool: pg.Pool;
  /** The worker's outbound HTTP: token requests leave as a step's requests do. */
  readonly send: typeof sendHttp;
}

/** A credential with an id, as the worker opened it. */
export type CredentialToUse = OpenCredential & { readonly id: string };

/** The token to send, and every secret of the credential's to mask (client secret aside: the type's secret fields). */
export interface AccessToken {
  readonly accessToken: string;
  /** The tokens held now (access and refresh): masked out of what a step stores. */
  readonly secrets: readonly string[];
}

function usable(connection: OpenConnection | undefined, rejected: string | undefined, now: number) {
  const tokens = connection?.tokens;
  if (connection?.status !== 'connected' || !tokens || tokens.accessToken === rejected) return undefined;
  if (tokens.expiresAt !== undefined && Date.parse(tokens.expiresAt) - now < EXPIRY_MARGIN_MS) return undefined;
  return tokens;
}

const tokenSecrets = (connection: OpenConnection | undefined) =>
  [connection?.tokens?.accessToken, connection?.tokens?.refreshToken].filter((value): value is string => !!value);

/** Why a step cannot use the credential until an admin acts: never retried. */
function needsAdmin(
  credential: CredentialToUse,
  connection: OpenConnection | undefined,
): NonRetryableError | undefined {
  if (connection?.status === 'reconnect_needed') {
    return new NonRetryableError(
      `credential "${credential.name}" needs reconnecting (${connection.problem ?? 'the provider refused its tokens'}): an admin must connect it again on the credentials page`,
    );
  }
  if (connection?.interactive && connection.status === 'not_connected') {
    return new NonRetryableError(
      `credential "${credential.name}" is not connected: an admin must connect it on the credentials page`,
    );
  }
  return undefined;
}

/**
 * The access token to send with `credential`: the stored one unless it is (nearly) expired or is
 * `rejected` (the token a request was just refused with), else a renewed one. Renewals are
 * serialized per credential, and whoever waited reads the store again after the lock: a token
 * another worker renewed meanwhile is used, not renewed again.
 */
export async function accessToken(
  deps: AccessTokenDeps,
  credential: CredentialToUse,
  options: { rejected?: string; signal?: AbortSignal } = {},
): Promise<AccessToken> {
  const renew = capabilityOf(credential.type)?.renewTokens;
  if (!renew) throw new NonRetryableError(`a ${credential.type} credential has no tokens to renew`);
  const before = await deps.credentials.connection(deps.masterKey, credential.id);
  const good = usable(before, options.rejected, Date.now());
  if (good) return { accessToken: good.accessToken, secrets: tokenSecrets(before) };
  const refusal = needsAdmin(credential, before);
  if (refusal) throw refusal;
  return withRenewalLock(deps.pgPool, credential.id, async () => {
    const now = await deps.credentials.connection(deps.masterKey, credential.id);
    const renewed = usable(now, options.rejected, Date.now());
    if (renewed) return { accessToken: renewed.accessToken, secrets: tokenSecrets(now) };
    const stillRefused = needsAdmin(credential, now);
    if (stillRefused) throw stillRefused;
    const interactive = now?.interactive ?? false;
    let grant: Awaited<ReturnType<typeof renew>>;
    try {
      grant = await renew(
        credential.secret,
        now?.tokens,
        fetchThrough(deps.send, TOKEN_REQUEST_TIMEOUT_MS),
        options.signal,
      );
    } catch (error) {
      if (!(error instanceof TokenRefused)) throw error;
      if (!interactive) {
        // Nothing to reconnect: the client's own settings are refused.
        throw new NonRetryableError(
          `credential "${credential.name}": ${error.message}; an admin must check its client ID, secret and scopes`,
        );
      }
      await deps.credentials.markReconnectNeeded(credential.id, error.message);
      throw new NonRetryableError(
        `credential "${credential.name}" needs reconnecting (${error.message}): an admin must connect it again on the credentials page`,
      );
    }
    await deps.credentials.storeTokens(deps.masterKey, credential.id, {
      tokens: grant.tokens,
      interactive,
      scopes: grant.scopes,
      // A client credentials credential is connected by its first token.
      connected: !interactive && now?.status !== 'connected' ? { by: null } : undefined,
    });
    const secrets = [grant.tokens.accessToken, grant.tokens.refreshToken, ...tokenSecrets(now)];
    return { accessToken: grant.tokens.accessToken, secrets: secrets.filter((value): value is string => !!value) };
  });
}

/**
 * Runs `work` holding the credential's renewal lock: a transaction-scoped advisory lock on a
 * connection of its own, released at commit or when the connection drops (a worker that dies
 * mid-renewal does not keep it).
 */
async function withRenewalLock<T>(pool: pg.Pool, credentialId: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('begin');
    await client.query(`set local lock_timeout = '${LOCK_WAIT}'`);
    await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [RENEWAL_LOCK_CLASS, credentialId]);
    return await work();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    try {
      await client.query(failed ? 'rollback' : 'commit');
      client.release();
    } catch (error) {
      // A connection in an unknown state is closed rather than given back to the pool.
      client.release(error as Error);
    }
  }
}
