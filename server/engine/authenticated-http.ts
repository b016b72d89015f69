import type { HttpRequest, HttpResponse } from '../../nodes/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
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

/** Replaces every occurrence of the secrets in the answer, so an echoing server cannot leak them into steps. */
function mask(response: HttpResponse, secrets: readonly string[]): HttpResponse {
  const hide = (text: string) => secrets.reduce((masked, secret) => masked.split(secret).join(MASK), text);
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
  credentials: Pick<CredentialRepository, 'secret'>,
  key: MasterKey,
): (request: HttpRequest, signal?: AbortSignal) => Promise<HttpResponse> {
  return async (request, signal) => {
    if (!request.credentialId) return send(request, signal);
    let credential: Awaited<ReturnType<CredentialRepository['secret']>>;
    try {
      credential = await credentials.secret(key, request.credentialId);
    } catch {
      throw new NonRetryableError(`credential ${request.credentialId} cannot be read with this master key`);
    }
    if (!credential) throw new NonRetryableError(`credential ${request.credentialId} does not exist`);
    const { name, value, secrets } = credentialHeader(credential.type, credential.secret);
    // The credential's header goes to the URL asked for and same-origin redirects only (`sendHttp`).
    const options: SendOptions = { credentialHeaders: [name] };
    const response = await send({ ...request, headers: { ...request.headers, [name]: value } }, signal, options);
    return mask(
      response,
      secrets.filter((secret) => secret.length >= 4),
    );
  };
}
