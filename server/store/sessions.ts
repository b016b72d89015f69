import { and, eq, gt, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { preparedOnce } from './prepared.ts';
import { sessions, users } from './schema.ts';

/** A session is stored by the SHA-256 of its token only: a copy of the database opens no session. */
export function insertSession(
  db: Db,
  values: { tokenHash: string; userId: string; expiresAt: string; ip: string | null; userAgent: string | null },
): void {
  const now = nowIso();
  db.insert(sessions)
    .values({
      tokenHash: values.tokenHash,
      userId: values.userId,
      createdAt: now,
      expiresAt: values.expiresAt,
      lastSeenAt: now,
      ip: values.ip,
      userAgent: values.userAgent,
    })
    .run();
}

// On every request signed in with a cookie: prepared once.
const liveSession = preparedOnce((db) =>
  db
    .select({ userId: sessions.userId })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder('now')),
        eq(users.active, true),
      ),
    )
    .prepare(),
);

/** The live session with this token hash: not revoked, not expired, its user active. */
export function liveSessionUserId(db: Db, tokenHash: string, now = nowIso()): string | undefined {
  return liveSession(db).get({ tokenHash, now })?.userId;
}

export function revokeSession(db: Db, tokenHash: string): void {
  db.update(sessions)
    .set({ revokedAt: nowIso() })
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
    .run();
}

/** Revokes every session of a user, except `keepTokenHash` (the one changing its password). */
export function revokeUserSessions(db: Db, userId: string, keepTokenHash?: string): number {
  return db
    .update(sessions)
    .set({ revokedAt: nowIso() })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepTokenHash === undefined ? undefined : ne(sessions.tokenHash, keepTokenHash),
      ),
    )
    .run().changes;
}

/** Expired and revoked sessions carry no information worth keeping; called now and then. */
export function deleteDeadSessions(db: Db, now = nowIso()): number {
  return db
    .delete(sessions)
    .where(or(lte(sessions.expiresAt, now), isNotNull(sessions.revokedAt)))
    .run().changes;
}
