import { randomToken, sha256 } from './tokens.ts';

/** API keys look like `sw_<43 URL-safe characters>`: the prefix makes them easy to spot in leaks. */
export const API_KEY_PREFIX = 'sw_';

/** A fresh key: the secret (shown once), what lists show of it, and the hash that is stored. */
export function newApiKey(): { secret: string; prefix: string; hash: string } {
  const secret = `${API_KEY_PREFIX}${randomToken()}`;
  return { secret, prefix: secret.slice(0, API_KEY_PREFIX.length + 6), hash: sha256(secret) };
}
