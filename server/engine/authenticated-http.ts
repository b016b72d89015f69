import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { type CredentialDefinition, secretValues } from '../../nodes/credentials/define.ts';
import type { HttpRequest, HttpResponse } from '../../nodes/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { describeUrl, targetsAllow } from '../core/credential-targets.ts';
import { describeLimits, isLimited, mayUseCredential } from '../core/credential-use.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { OpenCredential } from '../store/credentials.ts';
import type { CredentialRepository } from '../store/repositories.ts';
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
  const parsed = definition.secret.safeParse(stored);
  if (!parsed.success) {
    // Field names only: a message about a secret's value could quote it.
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(whole)'))].join(', ');
    throw new NonRetryableError(`the stored ${type} secret does not fit its type (${fields})`);
  }
  const secret = parsed.data as Record<string, unknown>;
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

/**
 * Sends `request` authenticated with `credential` (the caller has checked who may use it): only to
 * its allowed targets, and with every form of its secret masked out of the answer and of errors.
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
): Promise<HttpResponse> {
  const applied = applyCredential(credential.type, credential.secret, findType);
  const { allowedTargets } = credential;
  // The credential goes to the URL asked for and same-origin redirects only (`sendHttp`), and to
  // none of them outside its allowed targets: checked before each is requested.
  const options: SendOptions = {
    credentialHeaders: Object.keys(applied.headers),
    credentialQuery: applied.query,
    checkCredentialTarget: (url) => {
      if (targetsAllow(allowedTargets, url)) return;
      throw new NonRetryableError(
        allowedTargets.length === 0
          ? `credential "${credential.name}" may not be sent anywhere: an admin has not listed its allowed targets`
          : `credential "${credential.name}" may not be sent to ${describeUrl(url)}: it may go only to ${allowedTargets.join(', ')}`,
      );
    },
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
  credentials: Pick<CredentialRepository, 'secret' | 'runUser'>,
  key: MasterKey,
): (request: HttpRequest, signal?: AbortSignal, run?: SendingStep) => Promise<HttpResponse> {
  return async (request, signal, run) => {
    if (!request.credentialId) {
      run?.record?.(sentRequest(request));
      return send(request, signal);
    }
    const credential = await openCredential(credentials, key, request.credentialId);
    await refuseUnlessRunMayUse(credentials, credential, run?.executionId);
    return sendWithCredential(send, credential, request, signal, findCredentialType, run?.record);
  };
}
