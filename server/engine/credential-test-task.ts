import type pg from 'pg';
import { coerceError } from '../../nodes/errors.ts';
import { describeUrl } from '../core/credential-targets.ts';
import { describeLimits, mayUseCredential } from '../core/credential-use.ts';
import { capabilityOf } from '../credentials/capabilities.ts';
import { ConnectionTestJob, type ConnectionTestResult, testKind } from '../credentials/connection-test.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { CredentialRepository } from '../store/repositories.ts';
import { type AccessTokenDeps, accessToken, type CredentialToUse } from './access-tokens.ts';
import { openCredential, secretMasker, sendWithCredential } from './authenticated-http.ts';
import type { sendHttp } from './http.ts';
import { answerApi } from './worker-requests.ts';

/** The test's own request: shorter than the API's wait (CONNECTION_TEST_WAIT_MS), so its answer arrives. */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

export interface ConnectionTestDeps {
  readonly credentials: Pick<CredentialRepository, 'secret'> & AccessTokenDeps['credentials'];
  readonly masterKey: MasterKey;
  /** As steps send (it refuses private addresses when HTTP_REFUSE_PRIVATE_ADDRESSES says so). */
  readonly send: typeof sendHttp;
  readonly pgPool: pg.Pool;
}

/**
 * The worker's side of "Test connection" (graphile task `CREDENTIAL_TEST_TASK`): an HTTP-style
 * credential is sent with a GET to the URL the admin gave, through the same path as a step's
 * request (allowed targets, masking), and the answer's status goes back to the waiting API. Never
 * throws: a test that fails is an answer too, and the job is not retried.
 */
export async function runConnectionTest(payload: unknown, deps: ConnectionTestDeps, signal?: AbortSignal) {
  // A test nobody waits for any more (the API gave up) is not sent at all.
  await answerApi(
    deps.pgPool,
    ConnectionTestJob.safeParse(payload),
    (job) => job.testId,
    (job) => connectionTest(job, deps, signal),
  );
}

async function connectionTest(
  job: ConnectionTestJob,
  deps: ConnectionTestDeps,
  signal?: AbortSignal,
): Promise<ConnectionTestResult> {
  try {
    const credential = await openCredential(deps.credentials, deps.masterKey, job.credentialId);
    const kind = testKind(credential.type);
    if (!kind) return { ok: false, message: `a ${credential.type} credential cannot be tested` };
    if (!mayUseCredential(credential, { ...job.user, active: true })) {
      return {
        ok: false,
        message: `credential "${credential.name}" may not be used by you: an admin limits it to ${describeLimits(credential)}`,
      };
    }
    if (kind === 'token') return await tokenTest({ ...credential, id: job.credentialId }, deps, signal);
    if (kind === 'direct') {
      // The capability reaches the far side itself (SMTP, a database, a token endpoint).
      const timeout = AbortSignal.timeout(CONNECTION_TEST_TIMEOUT_MS);
      const capability = capabilityOf(credential.type);
      const testConnection = capability?.testConnection;
      if (!capability || !testConnection)
        return { ok: false, message: `a ${credential.type} credential cannot be tested` };
      const result = await testConnection(credential.secret, signal ? AbortSignal.any([signal, timeout]) : timeout);
      // A far side's error may quote what it was sent.
      return { ...result, message: secretMasker(capability.secrets(credential.secret))(result.message) };
    }
    if (!job.url) return { ok: false, message: 'give a URL to send the credential to' };
    const url = new URL(job.url);
    const response = await sendWithCredential(
      deps.send,
      credential,
      { method: 'GET', url: url.href, headers: {}, timeoutMs: CONNECTION_TEST_TIMEOUT_MS },
      signal,
    );
    const ok = response.status >= 200 && response.status <= 299;
    const refused = response.status === 401 || response.status === 403 ? ': the credential was refused' : '';
    return { ok, status: response.status, message: `GET ${describeUrl(url)} answered ${response.status}${refused}` };
  } catch (thrown) {
    return { ok: false, message: coerceError(thrown).message };
  }
}

/** In words: `in 59 min`, `in 3 h`. */
function expiresIn(expiresAt: string | undefined): string {
  if (!expiresAt) return 'no expiry given';
  const minutes = Math.round((Date.parse(expiresAt) - Date.now()) / 60_000);
  return minutes < 120 ? `expires in ${minutes} min` : `expires in ${Math.round(minutes / 60)} h`;
}

/**
 * A token-carrying credential's test (OAuth 2): a token request to its provider, through the same
 * renewal as a step's (the lock, the store; a refused refresh marks it "reconnect needed"). A
 * credential connected in the browser is refreshed; one without a refresh token has nothing to renew.
 */
async function tokenTest(
  credential: CredentialToUse,
  deps: ConnectionTestDeps,
  signal?: AbortSignal,
): Promise<ConnectionTestResult> {
  const tokenDeps: AccessTokenDeps = deps;
  const before = await deps.credentials.connection(deps.masterKey, credential.id);
  if (before?.interactive && before.status === 'connected' && before.tokens && !before.tokens.refreshToken) {
    return {
      ok: true,
      message: `connected; the provider gave no refresh token, so there is nothing to renew (the access token ${expiresIn(before.tokens.expiresAt)})`,
    };
  }
  // The current token counts as rejected: the test asks the provider, whatever the store holds.
  await accessToken(tokenDeps, credential, {
    ...(before?.tokens ? { rejected: before.tokens.accessToken } : {}),
    ...(signal ? { signal } : {}),
  });
  const after = await deps.credentials.connection(deps.masterKey, credential.id);
  const scopes = after?.scopes.length ? `; scopes: ${after.scopes.join(' ')}` : '';
  const what = after?.interactive ? 'refreshed the access token' : 'issued an access token';
  return { ok: true, message: `the provider ${what} (${expiresIn(after?.tokens?.expiresAt)}${scopes})` };
}
