import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from './master-key.ts';

export interface Sealed {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly authTag: Buffer;
  readonly keyId: string;
}

/** AES-256-GCM with a fresh 12-byte IV; `context` (e.g. the credential id) is bound as associated data. */
export function seal(key: MasterKey, plaintext: string, context: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag(), keyId: key.id };
}

/** Opens a sealed secret; throws if the key is wrong or the data or its context were altered. */
export function open(key: MasterKey, sealed: Sealed, context: string): string {
  if (sealed.keyId !== key.id) throw new Error(`sealed under key ${sealed.keyId}, not ${key.id}`);
  const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
}
