import type Database from 'better-sqlite3';
import { nowIso } from './db.ts';
import { prepared } from './prepared.ts';

type Sql = Database.Database;

/** A session is stored by the SHA-256 of its token only: a copy of the database opens no session. */
export function insertSession(
  sqlite: Sql,
  values: { tokenHash: string; userId: string; expiresAt: string; ip: string | null; userAgent: string | null },
): void {
  const now = nowIso();
  prepared(
    sqlite,
    `insert into sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
     values (?, ?, ?, ?, ?, ?, ?)`,
  ).run(values.tokenHash, values.userId, now, values.expiresAt, now, values.ip, values.userAgent);
}

/** The live session with this token hash: not revoked, not expired, its user active. */
export function liveSessionUserId(sqlite: Sql, tokenHash: string, now = nowIso()): string | undefined {
  const row = prepared(
    sqlite,
    `select s.user_id as userId from sessions s join users u on u.id = s.user_id
     where s.token_hash = ? and s.revoked_at is null and s.expires_at > ? and u.active = 1`,
  ).get(tokenHash, now) as { userId: string } | undefined;
  return row?.userId;
}

export function revokeSession(sqlite: Sql, tokenHash: string): void {
  prepared(sqlite, 'update sessions set revoked_at = ? where token_hash = ? and revoked_at is null').run(
    nowIso(),
    tokenHash,
  );
}

/** Revokes every session of a user, except `keepTokenHash` (the one changing its password). */
export function revokeUserSessions(sqlite: Sql, userId: string, keepTokenHash?: string): number {
  return prepared(
    sqlite,
    'update sessions set revoked_at = ? where user_id = ? and revoked_at is null and token_hash is not ?',
  ).run(nowIso(), userId, keepTokenHash ?? null).changes;
}

/** Expired and revoked sessions carry no information worth keeping; called now and then. */
export function deleteDeadSessions(sqlite: Sql, now = nowIso()): number {
  return prepared(sqlite, 'delete from sessions where expires_at <= ? or revoked_at is not null').run(now).changes;
}
