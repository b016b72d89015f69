import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { nowIso } from './db.ts';
import { prepared } from './prepared.ts';
import type { Role } from './schema.ts';

type Sql = Database.Database;

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

const COLUMNS = `k.id, k.user_id as userId, u.email as userEmail, k.name, k.prefix, k.role,
  k.created_at as createdAt, k.last_used_at as lastUsedAt, k.revoked_at as revokedAt`;

/** Stores a key by the SHA-256 of its secret; the secret itself is never stored. */
export function insertApiKey(
  sqlite: Sql,
  values: { userId: string; name: string; prefix: string; keyHash: string; role: Role },
): ApiKeyRow {
  const id = uuidv7();
  prepared(
    sqlite,
    'insert into api_keys (id, user_id, name, prefix, key_hash, role, created_at) values (?, ?, ?, ?, ?, ?, ?)',
  ).run(id, values.userId, values.name, values.prefix, values.keyHash, values.role, nowIso());
  return getApiKey(sqlite, id) as ApiKeyRow;
}

export function getApiKey(sqlite: Sql, id: string): ApiKeyRow | undefined {
  return prepared(sqlite, `select ${COLUMNS} from api_keys k join users u on u.id = k.user_id where k.id = ?`).get(
    id,
  ) as ApiKeyRow | undefined;
}

/** Keys newest first: one user's, or everyone's when `userId` is undefined. */
export function listApiKeys(sqlite: Sql, userId?: string): ApiKeyRow[] {
  return prepared(
    sqlite,
    `select ${COLUMNS} from api_keys k join users u on u.id = k.user_id
     where (? is null or k.user_id = ?) order by k.created_at desc, k.id desc`,
  ).all(userId ?? null, userId ?? null) as ApiKeyRow[];
}

/** A usable key: not revoked, its creator active. Answers the key and its creator's current role. */
export function liveApiKey(
  sqlite: Sql,
  keyHash: string,
): { id: string; userId: string; prefix: string; role: Role; lastUsedAt: string | null } | undefined {
  return prepared(
    sqlite,
    `select k.id, k.user_id as userId, k.prefix, k.role, k.last_used_at as lastUsedAt
     from api_keys k join users u on u.id = k.user_id
     where k.key_hash = ? and k.revoked_at is null and u.active = 1`,
  ).get(keyHash) as { id: string; userId: string; prefix: string; role: Role; lastUsedAt: string | null } | undefined;
}

export function touchApiKey(sqlite: Sql, id: string, at = nowIso()): void {
  prepared(sqlite, 'update api_keys set last_used_at = ? where id = ?').run(at, id);
}

export function revokeApiKey(sqlite: Sql, id: string): boolean {
  return (
    prepared(sqlite, 'update api_keys set revoked_at = ? where id = ? and revoked_at is null').run(nowIso(), id)
      .changes > 0
  );
}
