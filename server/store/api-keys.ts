import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { preparedOnce } from './prepared.ts';
import { apiKeys, type Role, users } from './schema.ts';

export interface ApiKeyRow {
  id: string;
  userId: string;
  /** The creator's email, for admins who list everyone's keys. */
  userEmail: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const columns = {
  id: apiKeys.id,
  userId: apiKeys.userId,
  userEmail: users.email,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

const selectKeys = (db: Db) => db.select(columns).from(apiKeys).innerJoin(users, eq(users.id, apiKeys.userId));

/** Stores a key by the SHA-256 of its secret; the secret itself is never stored. */
export function insertApiKey(
  db: Db,
  values: { userId: string; name: string; prefix: string; keyHash: string; role: Role },
): ApiKeyRow {
  const id = newId();
  db.insert(apiKeys)
    .values({ id, ...values, createdAt: nowIso() })
    .run();
  return getApiKey(db, id) as ApiKeyRow;
}

export function getApiKey(db: Db, id: string): ApiKeyRow | undefined {
  return selectKeys(db).where(eq(apiKeys.id, id)).get();
}

/** Keys newest first: one user's, or everyone's when `userId` is undefined. */
export function listApiKeys(db: Db, userId?: string): ApiKeyRow[] {
  return selectKeys(db)
    .where(userId === undefined ? undefined : eq(apiKeys.userId, userId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .all();
}

// On every request signed with a key: prepared once.
const liveKey = preparedOnce((db) =>
  db
    .select({
      id: apiKeys.id,
      userId: apiKeys.userId,
      prefix: apiKeys.prefix,
      role: apiKeys.role,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, sql.placeholder('keyHash')), isNull(apiKeys.revokedAt), eq(users.active, true)))
    .prepare(),
);

/** A usable key: not revoked, its creator active. Answers the key and its creator's current role. */
export function liveApiKey(
  db: Db,
  keyHash: string,
): { id: string; userId: string; prefix: string; role: Role; lastUsedAt: string | null } | undefined {
  return liveKey(db).get({ keyHash });
}

export function touchApiKey(db: Db, id: string, at = nowIso()): void {
  db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id)).run();
}

export function revokeApiKey(db: Db, id: string): boolean {
  return (
    db
      .update(apiKeys)
      .set({ revokedAt: nowIso() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .run().changes > 0
  );
}

/** Revokes every live key of a user (at deactivation: for good, reactivation does not revive them); answers how many. */
export function revokeUserApiKeys(db: Db, userId: string): number {
  return db
    .update(apiKeys)
    .set({ revokedAt: nowIso() })
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .run().changes;
}
