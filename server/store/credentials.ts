import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { MasterKey } from '../security/master-key.ts';
import { open, seal } from '../security/seal.ts';
import { nowIso } from './db.ts';
import { immediate, prepared } from './prepared.ts';

type Sql = Database.Database;

export interface CredentialSummary {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
}

/** Stores a secret (a JSON value) encrypted; only its name and type stay readable. */
export function insertCredential(
  sqlite: Sql,
  key: MasterKey,
  values: { name: string; type: string; secret: unknown },
): CredentialSummary {
  const id = uuidv7();
  const now = nowIso();
  const sealed = seal(key, JSON.stringify(values.secret), id);
  prepared(
    sqlite,
    `insert into credentials (id, name, type, ciphertext, iv, auth_tag, key_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, values.name, values.type, sealed.ciphertext, sealed.iv, sealed.authTag, sealed.keyId, now, now);
  return { id, name: values.name, type: values.type, createdAt: now, updatedAt: now };
}

export function listCredentials(sqlite: Sql): CredentialSummary[] {
  return prepared(
    sqlite,
    'select id, name, type, created_at as createdAt, updated_at as updatedAt from credentials order by name, id',
  ).all() as CredentialSummary[];
}

/** What people who configure nodes may see to pick a credential: never a secret, nor when it changed. */
export interface CredentialChoice {
  id: string;
  name: string;
  type: string;
}

export function listCredentialChoices(sqlite: Sql): CredentialChoice[] {
  return prepared(sqlite, 'select id, name, type from credentials order by name, id').all() as CredentialChoice[];
}

export function deleteCredential(sqlite: Sql, id: string): boolean {
  return prepared(sqlite, 'delete from credentials where id = ?').run(id).changes > 0;
}

/** The decrypted secret of a credential, or undefined when there is no such credential. */
export function credentialSecret(
  sqlite: Sql,
  key: MasterKey,
  id: string,
): { type: string; secret: unknown } | undefined {
  const row = prepared(
    sqlite,
    'select type, ciphertext, iv, auth_tag as authTag, key_id as keyId from credentials where id = ?',
  ).get(id) as { type: string; ciphertext: Buffer; iv: Buffer; authTag: Buffer; keyId: string } | undefined;
  if (!row) return undefined;
  return { type: row.type, secret: JSON.parse(open(key, row, id)) };
}

/** Re-encrypts every credential from `from` to `to`, in one transaction: all or nothing. */
export function rotateCredentials(sqlite: Sql, from: MasterKey, to: MasterKey): number {
  return immediate(sqlite, () => {
    const rows = prepared(
      sqlite,
      'select id, ciphertext, iv, auth_tag as authTag, key_id as keyId from credentials',
    ).all() as Array<{ id: string; ciphertext: Buffer; iv: Buffer; authTag: Buffer; keyId: string }>;
    const update = prepared(
      sqlite,
      'update credentials set ciphertext = ?, iv = ?, auth_tag = ?, key_id = ?, updated_at = ? where id = ?',
    );
    for (const row of rows) {
      const sealed = seal(to, open(from, row, row.id), row.id);
      update.run(sealed.ciphertext, sealed.iv, sealed.authTag, sealed.keyId, nowIso(), row.id);
    }
    return rows.length;
  });
}
