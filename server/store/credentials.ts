import { asc, eq } from 'drizzle-orm';
import type { MasterKey } from '../security/master-key.ts';
import { open, seal } from '../security/seal.ts';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { credentials } from './schema.ts';

export interface CredentialSummary {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
}

/** Stores a secret (a JSON value) encrypted; only its name and type stay readable. */
export function insertCredential(
  db: Db,
  key: MasterKey,
  values: { name: string; type: string; secret: unknown },
): CredentialSummary {
  const id = newId();
  const now = nowIso();
  const sealed = seal(key, JSON.stringify(values.secret), id);
  db.insert(credentials)
    .values({ id, name: values.name, type: values.type, ...sealed, createdAt: now, updatedAt: now })
    .run();
  return { id, name: values.name, type: values.type, createdAt: now, updatedAt: now };
}

export function listCredentials(db: Db): CredentialSummary[] {
  return db
    .select({
      id: credentials.id,
      name: credentials.name,
      type: credentials.type,
      createdAt: credentials.createdAt,
      updatedAt: credentials.updatedAt,
    })
    .from(credentials)
    .orderBy(asc(credentials.name), asc(credentials.id))
    .all();
}

/** What people who configure nodes may see to pick a credential: never a secret, nor when it changed. */
export interface CredentialChoice {
  id: string;
  name: string;
  type: string;
}

export function listCredentialChoices(db: Db): CredentialChoice[] {
  return db
    .select({ id: credentials.id, name: credentials.name, type: credentials.type })
    .from(credentials)
    .orderBy(asc(credentials.name), asc(credentials.id))
    .all();
}

export function deleteCredential(db: Db, id: string): boolean {
  return db.delete(credentials).where(eq(credentials.id, id)).run().changes > 0;
}

const sealedColumns = {
  id: credentials.id,
  type: credentials.type,
  ciphertext: credentials.ciphertext,
  iv: credentials.iv,
  authTag: credentials.authTag,
  keyId: credentials.keyId,
};

/** The decrypted secret of a credential, or undefined when there is no such credential. */
export function credentialSecret(db: Db, key: MasterKey, id: string): { type: string; secret: unknown } | undefined {
  const row = db.select(sealedColumns).from(credentials).where(eq(credentials.id, id)).get();
  if (!row) return undefined;
  return { type: row.type, secret: JSON.parse(open(key, row, id)) };
}

/** Re-encrypts every credential from `from` to `to`, in one transaction: all or nothing. */
export function rotateCredentials(db: Db, from: MasterKey, to: MasterKey): number {
  return db.transaction(
    (tx) => {
      const rows = tx.select(sealedColumns).from(credentials).all();
      for (const row of rows) {
        const sealed = seal(to, open(from, row, row.id), row.id);
        tx.update(credentials)
          .set({ ...sealed, updatedAt: nowIso() })
          .where(eq(credentials.id, row.id))
          .run();
      }
      return rows.length;
    },
    { behavior: 'immediate' },
  );
}
