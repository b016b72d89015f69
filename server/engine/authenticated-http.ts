import type pg from 'pg';
import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { type CredentialDefinition, secretValues } from '../../nodes/credentials/define.ts';
import type { HttpRequest, HttpResponse } from '../../nodes/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { describeUrl, targetsAllow } from '../core/credential-targets.ts';
import { describeLimits, isLimited, mayUseCredential } from '../core/credential-use.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { OpenCredential } from '../store/credentials.ts';
import type { CredentialRepository } from '../store/repositories.ts';
import { type AccessToken, type AccessTokenDeps, accessToken } from './access-tokens.ts';
import type { SendOptions, sendHttp } from './http.ts';
import { MASK, type SentRequest, sentRequest } from './sent-request.ts';

/** What a credential adds to a request, and the secret strings to keep out of stored data. */
export interface AppliedCredential {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
}

/**
 * How a credential of `type` authenticates a request, from its declaration in the credential
 * catalogue (nodes/credentials/): the stored secret is parsed with the type's schema first, as
 * persisted data is. Masked: the secret fields and what the declaration derives from them.
 */
export function applyCredential(
  type: string,
  stored: unknown,
  findType: (type: string) => CredentialDefinition | undefined = findCredentialType,
): AppliedCredential {
  const definition = findType(type);
  if (!definition) throw new NonRetryableError(`credential type "${type}" is not known to this version of Stepwise`);
  if (!definition.http) throw new NonRetryableError(`a ${type} credential cannot authenticate an HTTP request`);
  const secret = parseSecret(definition, stored);
  const authentication = definition.http(secret);
  return {
    headers: authentication.headers ?? {},
    query: authentication.query ?? {},
    secrets: [...secretValues(definition, secret), ...(authentication.masked ?? [])],
  };
}

/** Shortest text masked: anything shorter would hide ordinary words of an answer. */
const MIN_MASKED = 4;

/**
 * The characters of `encode(bytes)` that depend on `bytes` alone when they sit at each byte offset
 * 0..2 inside a longer base64 text (e.g. `user:<secret>` encoded whole): base64 packs 3 bytes into 4
 * characters, so the secret's encoding differs with its alignment but its middle never does.
 */
function base64Runs(secret: Buffer, alphabet: 'base64' | 'base64url'): string[] {
  const runs: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), secret]).toString(alphabet);
    runs.push(encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + secret.length)) / 6)));
  }
  // The whole encoding as it stands alone, padding included.
  runs.push(secret.toString(alphabet));
  return runs;
}

/**
 * The forms in which an answer may carry a secret back: as is, reversed, URL-encoded (`%20` or `+`
 * for spaces), hex, and base64 or base64url at any alignment. Matched ignoring case, which covers
 * lower- and upper-cased echoes and hex or percent escapes in either case.
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set([
    secret,
    [...secret].reverse().join(''),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replaceAll('%20', '+'),
    encodeURI(secret),
    bytes.toString('hex'),
    ...base64Runs(bytes, 'base64'),
    ...base64Runs(bytes, 'base64url'),
  ]);
  return [...forms].filter((form) => form.length >= MIN_MASKED);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that replaces every form of the secrets in a text (`secretForms`). */
export function secretMasker(secrets: readonly string[]): (text: string) => string {
  const forms = secrets.filter((secret) => secret.length >= MIN_MASKED).flatMap(secretForms);
  if (forms.length === 0) return (text) => text;
  // Longest first, so a whole encoding is masked rather than a piece of it.
  const pattern = new RegExp(
    [...new Set(forms)]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'giu',
  );
  return (text) => text.replace(pattern, MASK);
}

/**
 * Replaces every form of the secrets in the answer (`secretForms`), so an echoing server cannot
 * leak them into stored steps: this is the one place where an answer carrying a secret is stored.
 */
export function maskSecrets(response: HttpResponse, secrets: readonly string[]): HttpResponse {
  const hide = secretMasker(secrets);
  return {
    status: response.status,
    headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, hide(value)])),
    body: hide(response.body),
  };
}

/** Its message (and stack) with the secrets masked: errors are stored with the step, and a URL in one may carry a key. */
export function maskError(error: unknown, hide: (text: string) => string): unknown {
  if (!(error instanceof Error)) return error;
  error.message = hide(error.message);
  if (error.stack) error.stack = hide(error.stack);
  return error;
}

/** A stored credential, decrypted, or a NonRetryableError saying why it cannot be. */
export async function openCredential(
  credentials: Pick<CredentialRepository, 'secret'>,
  key: MasterKey,
  id: string,
): Promise<OpenCredential> {
  let credential: OpenCredential | undefined;
  try {
    credential = await credentials.secret(key, id);
  } catch {
    throw new NonRetryableError(`credential ${id} cannot be read with this master key`);
  }
  if (!credential) throw new NonRetryableError(`credential ${id} does not exist`);
  return credential;
}

/** A NonRetryableError unless `credential` may be sent to `url` (its allowed targets). */
function checkTarget(credential: OpenCredential, url: URL): void {
  const { allowedTargets } = credential;
  if (targetsAllow(allowedTargets, url)) return;
  throw new NonRetryableError(
    allowedTargets.length === 0
      ? `credential "${credential.name}" may not be sent anywhere: an admin has not listed its allowed targets`
      : `credential "${credential.name}" may not be sent to ${describeUrl(url)}: it may go only to ${allowedTargets.join(', ')}`,
  );
}

/**
 * The access token a token-carrying credential (OAuth 2) sends, from the worker's token store:
 * `rejected` names the token a request was just refused with, to get another (access-tokens.ts).
 */
export type TokenSource = (rejected?: string) => Promise<AccessToken>;

/**
 * Sends `request` authenticated with `credential` (the caller has checked who may use it): only to
 * its allowed targets, and with every form of its secret masked out of the answer and of errors.
 * A credential whose requests carry an access token (OAuth 2) takes it from `tokens`; when the
 * answer is 401 it gets a renewed one and sends the request once more.
 */
export async function sendWithCredential(
  send: typeof sendHttp,
  credential: OpenCredential,
  request: HttpRequest,
  signal?: AbortSignal,
  // The credential catalogue; a guide's example type is tried with its own (docs/guides/).
  findType: (type: string) => CredentialDefinition | undefined = findCredentialType,
  /** Told what is sent (secrets masked), once it may be sent: the step keeps it for people. */
  record?: (sent: SentRequest) => void,
  tokens?: TokenSource,
): Promise<HttpResponse> {
  const definition = findType(credential.type);
  if (!definition?.httpToken) {
    return sendApplied(send, credential, request, applyCredential(credential.type, credential.secret, findType), {
      signal,
      record,
    });
  }
  // Checked before any token is fetched: a request that may not go costs the provider nothing.
  checkTarget(credential, new URL(request.url));
  if (!tokens) throw new NonRetryableError(`a ${credential.type} credential is used only by the engine's workers`);
  const settings = parseSecret(definition, credential.secret);
  const withToken = (token: AccessToken, earlier: readonly string[]) => {
    const authentication = definition.httpToken?.(settings, token.accessToken) ?? {};
    return sendApplied(
      send,
      credential,
      request,
      {
        headers: authentication.headers ?? {},
        query: authentication.query ?? {},
        secrets: [
          ...secretValues(definition, settings),
          ...token.secrets,
          ...earlier,
          ...(authentication.masked ?? []),
        ],
      },
      { signal, record },
    );
  };
  const first = await tokens();
  const response = await withToken(first, []);
  if (response.status !== 401) return response;
  // Revoked or expired early: once more with a renewed token (another worker may have renewed it already).
  const second = await tokens(first.accessToken);
  return withToken(second, first.secrets);
}

/** The stored secret parsed with its type's schema, or a NonRetryableError naming the fields that do not fit. */
function parseSecret(definition: CredentialDefinition, stored: unknown): Record<string, unknown> {
  const parsed = definition.secret.safeParse(stored);
  if (!parsed.success) {
    // Field names only: a message about a secret's value could quote it.
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(whole)'))].join(', ');
    throw new NonRetryableError(`the stored ${definition.type} secret does not fit its type (${fields})`);
  }
  return parsed.data as Record<string, unknown>;
}

/** Sends `request` with what a credential adds, to its allowed targets only, masking its secrets. */
async function sendApplied(
  send: typeof sendHttp,
  credential: OpenCredential,
  request: HttpRequest,
  applied: AppliedCredential,
  { signal, record }: { signal?: AbortSignal | undefined; record?: ((sent: SentRequest) => void) | undefined },
): Promise<HttpResponse> {
  // The credential goes to the URL asked for and same-origin redirects only (`sendHttp`), and to
  // none of them outside its allowed targets: checked before each is requested.
  const options: SendOptions = {
    credentialHeaders: Object.keys(applied.headers),
    credentialQuery: applied.query,
    checkCredentialTarget: (url) => checkTarget(credential, url),
  };
  // Checked here too, whatever `send` does with the options.
  options.checkCredentialTarget?.(new URL(request.url));
  const hide = secretMasker(applied.secrets);
  record?.(sentRequest(request, { headers: applied.headers, query: applied.query, hide }));
  let response: HttpResponse;
  try {
    response = await send({ ...request, headers: { ...request.headers, ...applied.headers } }, signal, options);
  } catch (error) {
    throw maskError(error, hide);
  }
  return maskSecrets(response, applied.secrets);
}

/**
 * Throws a NonRetryableError unless the run's user may use the credential. Checked at run time
 * too: a user's role or the credential's limits may have changed since the workflow was saved.
 */
export async function refuseUnlessRunMayUse(
  credentials: Pick<CredentialRepository, 'runUser'>,
  credential: OpenCredential,
  executionId: string | undefined,
): Promise<void> {
  if (!isLimited(credential)) return;
  const user = executionId ? await credentials.runUser(executionId) : undefined;
  if (!mayUseCredential(credential, user && { id: user.id, roles: [user.role], active: user.active })) {
    throw new NonRetryableError(
      `credential "${credential.name}" may not be used by ${user ? `this run's user (${user.role})` : 'this run (no user started or authored it)'}: an admin limits it to ${describeLimits(credential)}`,
    );
  }
}

/** The step a request is sent for: whose user may use the credential, and where it records what it sent. */
export interface SendingStep {
  readonly executionId: string;
  readonly record?: (sent: SentRequest) => void;
}

/**
 * The HTTP capability a step gets: requests naming a credential are authenticated here, in the
 * worker, with the decrypted secret, which never reaches the node or anything stored.
 */
export function authenticatedHttp(
  send: typeof sendHttp,
  credentials: Pick<CredentialRepository, 'secret' | 'runUser'> & AccessTokenDeps['credentials'],
  key: MasterKey,
  /** Where token renewals take their lock (access-tokens.ts). */
  pgPool: pg.Pool,
): (request: HttpRequest, signal?: AbortSignal, run?: SendingStep) => Promise<HttpResponse> {
  const tokenDeps: AccessTokenDeps = { credentials, masterKey: key, pgPool, send };
  return async (request, signal, run) => {
    if (!request.credentialId) {
      run?.record?.(sentRequest(request));
      return send(request, signal);
    }
    const credential = await openCredential(credentials, key, request.credentialId);
    await refuseUnlessRunMayUse(credentials, credential, run?.executionId);
    const id = request.credentialId;
    const tokens: TokenSource = (rejected) =>
      accessToken(
        tokenDeps,
        { ...credential, id },
        { ...(rejected ? { rejected } : {}), ...(signal ? { signal } : {}) },
      );
    return sendWithCredential(send, credential, request, signal, findCredentialType, run?.record, tokens);
  };
}
