import { and, eq, lt } from 'drizzle-orm';
import type { Db } from './db.ts';
import { loginFailures } from './schema.ts';

/** One (account, address) pair's failed sign-ins. */
export interface LoginFailure {
  failures: number;
  lastFailureAt: string;
  /** Until when the pair is refused (ISO); null when it is not. */
  lockedUntil: string | null;
}

/** How a failure is counted: failures quiet for `forgetAfterMs` count from zero; `lockMsFor(n)` locks the pair after its n-th. */
export interface FailurePolicy {
  forgetAfterMs: number;
  lockMsFor: (failures: number) => number;
}

const pair = (email: string, ip: string) => and(eq(loginFailures.email, email), eq(loginFailures.ip, ip));

/** The pair's failures, undefined when it has none (or they are forgotten, being quiet long enough). */
export function getLoginFailure(
  db: Db,
  email: string,
  ip: string,
  forgetAfterMs: number,
  now = new Date(),
): LoginFailure | undefined {
  const row = db.select().from(loginFailures).where(pair(email, ip)).get();
  if (!row || forgotten(row, forgetAfterMs, now)) return undefined;
  return { failures: row.failures, lastFailureAt: row.lastFailureAt, lockedUntil: row.lockedUntil || null };
}

const forgotten = (row: { lastFailureAt: string; lockedUntil: string }, forgetAfterMs: number, now: Date) =>
  Date.parse(row.lastFailureAt) < now.getTime() - forgetAfterMs && (row.lockedUntil || '') <= now.toISOString();

/** Counts a failure of the pair, locking it as the policy says; read and write in one transaction. */
export function recordLoginFailure(
  db: Db,
  email: string,
  ip: string,
  policy: FailurePolicy,
  now = new Date(),
): LoginFailure {
  return db.transaction(
    (tx) => {
      const earlier = getLoginFailure(tx, email, ip, policy.forgetAfterMs, now);
      const failures = (earlier?.failures ?? 0) + 1;
      const lockMs = policy.lockMsFor(failures);
      const lockedUntil = lockMs > 0 ? new Date(now.getTime() + lockMs).toISOString() : '';
      const values = { failures, lastFailureAt: now.toISOString(), lockedUntil };
      tx.insert(loginFailures)
        .values({ email, ip, ...values })
        .onConflictDoUpdate({ target: [loginFailures.email, loginFailures.ip], set: values })
        .run();
      return { failures, lastFailureAt: values.lastFailureAt, lockedUntil: lockedUntil || null };
    },
    { behavior: 'immediate' },
  );
}

/** Forgets the pair's failures: its sign-in succeeded. */
export function clearLoginFailures(db: Db, email: string, ip: string): void {
  db.delete(loginFailures).where(pair(email, ip)).run();
}

/** Deletes pairs quiet since before `before` (ISO) and no longer locked; answers how many. */
export function pruneLoginFailures(db: Db, before: string, now = new Date()): number {
  return db
    .delete(loginFailures)
    .where(and(lt(loginFailures.lastFailureAt, before), lt(loginFailures.lockedUntil, now.toISOString())))
    .run().changes;
}
