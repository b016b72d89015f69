import type { HttpRequest, HttpResponse } from '../../nodes/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { describeUrl, targetsAllow } from '../core/credential-targets.ts';
import { describeLimits, isLimited, mayUseCredential } from '../core/credential-use.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { CredentialRepository } from '../store/repositories.ts';
import type { SendOptions, sendHttp } from './http.ts';

const MASK = '••••••';

/** The header a credential adds, and the secret strings to keep out of stored data. */
export function credentialHeader(type: string, secret: unknown): { name: string; value: string; secrets: string[] } {
  const s = secret as Record<string, string>;
  switch (type) {
    case 'bearer':
      return { name: 'authorization', value: `Bearer ${s.token}`, secrets: [String(s.token)] };
    case 'basic': {
      const encoded = Buffer.from(`${s.username}:${s.password}`).toString('base64');
      return {
        name: 'authorization',
        value: `Basic ${encoded}`,
        secrets: [encoded, String(s.password)].filter(Boolean),
      };
    }
    case 'header':
      return { name: String(s.header).toLowerCase(), value: String(s.value), secrets: [String(s.value)] };
    default:
      throw new NonRetryableError(`a ${type} credential cannot authenticate an HTTP request`);
  }
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

/**
 * Replaces every form of the secrets in the answer (`secretForms`), so an echoing server cannot
 * leak them into stored steps: this is the one place where an answer carrying a secret is stored.
 */
export function maskSecrets(response: HttpResponse, secrets: readonly string[]): HttpResponse {
  const forms = secrets.filter((secret) => secret.length >= MIN_MASKED).flatMap(secretForms);
  if (forms.length === 0) return response;
  // Longest first, so a whole encoding is masked rather than a piece of it.
  const pattern = new RegExp(
    [...new Set(forms)]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'giu',
  );
  const hide = (text: string) => text.replace(pattern, MASK);
  return {
    status: response.status,
    headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, hide(value)])),
    body: hide(response.body),
  };
}

/**
 * The HTTP capability a step gets: requests naming a credential are authenticated here, in the
 * worker, with the decrypted secret, which never reaches the node or anything stored.
 */
export function authenticatedHttp(
  send: typeof sendHttp,
  credentials: Pick<CredentialRepository, 'secret' | 'runUser'>,
  key: MasterKey,
): (request: HttpRequest, signal?: AbortSignal, run?: { readonly executionId: string }) => Promise<HttpResponse> {
  return async (request, signal, run) => {
    if (!request.credentialId) return send(request, signal);
    let credential: Awaited<ReturnType<CredentialRepository['secret']>>;
    try {
      credential = await credentials.secret(key, request.credentialId);
    } catch {
      throw new NonRetryableError(`credential ${request.credentialId} cannot be read with this master key`);
    }
    if (!credential) throw new NonRetryableError(`credential ${request.credentialId} does not exist`);
    if (isLimited(credential)) {
      // Checked again at run time: a user's role or the credential's limits may have changed since the save.
      const user = run ? await credentials.runUser(run.executionId) : undefined;
      if (!mayUseCredential(credential, user && { id: user.id, roles: [user.role], active: user.active })) {
        throw new NonRetryableError(
          `credential "${credential.name}" may not be used by ${user ? `this run's user (${user.role})` : 'this run (no user started or authored it)'}: an admin limits it to ${describeLimits(credential)}`,
        );
      }
    }
    const { name, value, secrets } = credentialHeader(credential.type, credential.secret);
    const { allowedTargets } = credential;
    // The credential's header goes to the URL asked for and same-origin redirects only (`sendHttp`),
    // and to none of them outside its allowed targets: checked before each is requested.
    const options: SendOptions = {
      credentialHeaders: [name],
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
    const response = await send({ ...request, headers: { ...request.headers, [name]: value } }, signal, options);
    return maskSecrets(response, secrets);
  };
}
