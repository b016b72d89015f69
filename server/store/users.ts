import { and, count, eq, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { preparedOnce } from './prepared.ts';
import { type Role, users } from './schema.ts';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  passwordChangedAt: string | null;
}

/** Every column but the password hash, which only sign-in reads. */
const columns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  active: users.active,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  passwordChangedAt: users.passwordChangedAt,
};

/** Thrown when an email is taken (ignoring case). */
export class EmailTaken extends Error {
  override name = 'EmailTaken';
}

const isUniqueViolation = (error: unknown): boolean => {
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  return code?.startsWith('SQLITE_CONSTRAINT_UNIQUE') ?? false;
};

export function insertUser(
  db: Db,
  values: { email: string; name: string; role: Role; passwordHash: string | null },
): UserRow {
  const now = nowIso();
  try {
    return db
      .insert(users)
      .values({
        id: newId(),
        email: values.email,
        name: values.name,
        role: values.role,
        passwordHash: values.passwordHash,
        active: true,
        createdAt: now,
        updatedAt: now,
        passwordChangedAt: values.passwordHash ? now : null,
      })
      .returning(columns)
      .get();
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken(`${values.email} is already taken`);
    throw error;
  }
}

/**
 * The first admin, created only while there is no user at all. The check and the insert share one
 * immediate transaction, so two setup requests at once cannot both succeed.
 */
export function insertFirstUser(
  db: Db,
  values: { email: string; name: string; role: Role; passwordHash: string },
): UserRow | undefined {
  return db.transaction((tx) => (countUsers(tx) === 0 ? insertUser(tx, values) : undefined), {
    behavior: 'immediate',
  });
}

export function countUsers(db: Db): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

// On every request (the caller's user): prepared once.
const userById = preparedOnce((db) =>
  db
    .select(columns)
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare(),
);

export function getUser(db: Db, id: string): UserRow | undefined {
  return userById(db).get({ id });
}

/** A user by email, ignoring case, with the password hash for sign-in. */
export function getUserForLogin(db: Db, email: string): (UserRow & { passwordHash: string | null }) | undefined {
  return db
    .select({ ...columns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.email})`, sql`lower(${email})`))
    .get();
}

export function getPasswordHash(db: Db, id: string): string | null {
  return db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, id)).get()?.hash ?? null;
}

export function listUsers(db: Db): UserRow[] {
  return db.select(columns).from(users).orderBy(sql`lower(${users.email})`).all();
}

export function setPasswordHash(db: Db, id: string, passwordHash: string): void {
  const now = nowIso();
  db.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(users.id, id)).run();
}

/** Why a change to an admin was refused: it would leave no active admin to manage the rest. */
export class LastAdmin extends Error {
  override name = 'LastAdmin';
}

/**
 * Changes a user's role or active flag. Refuses (LastAdmin) to demote or deactivate the last active
 * admin; the count and the update share one immediate transaction so two admins demoting each
 * other at once cannot both succeed.
 */
export function updateUser(
  db: Db,
  id: string,
  patch: { role?: Role; active?: boolean; name?: string },
): UserRow | undefined {
  return db.transaction(
    (tx) => {
      const user = getUser(tx, id);
      if (!user) return undefined;
      const role = patch.role ?? user.role;
      const active = patch.active ?? user.active;
      const losesAdmin = user.role === 'admin' && user.active && (role !== 'admin' || !active);
      if (losesAdmin) {
        const admins =
          tx
            .select({ n: count() })
            .from(users)
            .where(and(eq(users.role, 'admin'), eq(users.active, true)))
            .get()?.n ?? 0;
        if (admins <= 1) throw new LastAdmin('this is the last active admin: make another admin first');
      }
      return tx
        .update(users)
        .set({ role, active, name: patch.name ?? user.name, updatedAt: nowIso() })
        .where(eq(users.id, id))
        .returning(columns)
        .get();
    },
    { behavior: 'immediate' },
  );
}

/** How a user is shown next to what they did (versions, publications): their name, else email. */
export function userDisplayName(db: Db, id: string | null): string | null {
  if (id === null) return null;
  const row = db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, id)).get();
  return row ? row.name || row.email : null;
}
