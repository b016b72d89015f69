import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 10;

/** Long enough to resist guessing; capped so nobody makes the server hash megabytes. */
export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(1024, 'use at most 1024 characters');

/**
 * Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): about 20 ms a hash here.
 * They are written into each hash, so raising them later still verifies older hashes.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

/** A hash of nothing anyone knows, verified against when the email is unknown. */
let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a hash (unknown email, or an account without a
 * password) it still spends the time of one verification, so timing does not tell which emails exist.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('stepwise-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}
