import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key credentials are encrypted under (AES-256-GCM). It comes from STEPWISE_MASTER_KEY
 * (base64, 32 bytes) or from `<data dir>/master.key`, created with 0600 permissions on first
 * start. It never enters the database; its id (a hash prefix) is stored with each secret so a
 * rotation can tell which key a row was sealed with.
 */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export function masterKeyFrom(material: Buffer): MasterKey {
  if (material.length !== 32) throw new Error(`a master key is 32 bytes, this one is ${material.length}`);
  return { key: material, id: createHash('sha256').update(material).digest('hex').slice(0, 16) };
}

export function loadMasterKey(dataDir: string, fromEnv?: string): MasterKey {
  if (fromEnv) return masterKeyFrom(Buffer.from(fromEnv, 'base64'));
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return masterKeyFrom(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}
