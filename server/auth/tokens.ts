import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, URL-safe: session tokens and API key secrets. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * Tokens are stored by their SHA-256 only. They carry 256 bits of randomness, so a fast hash is
 * enough (unlike passwords, nothing can be guessed), and a lookup by hash stays one index probe.
 */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
