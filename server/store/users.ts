import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { nowIso } from './db.ts';
import { immediate, prepared } from './prepared.ts';
import type { Role } from './schema.ts';

type Sql = Database.Database;

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

const COLUMNS = `id, email, name, role, active, created_at as createdAt, updated_at as updatedAt,
  password_changed_at as passwordChangedAt`;

type RawUser = Omit<UserRow, 'active'> & { active: number };
const toUser = (row: RawUser | undefined): UserRow | undefined => row && { ...row, active: row.active === 1 };

/** Thrown when an email is taken (ignoring case). */
export class EmailTaken extends Error {
  override name = 'EmailTaken';
}

export function insertUser(
  sqlite: Sql,
  values: { email: string; name: string; role: Role; passwordHash: string | null },
): UserRow {
  const id = uuidv7();
  const now = nowIso();
  try {
    prepared(
      sqlite,
      `insert into users (id, email, name, role, password_hash, active, created_at, updated_at, password_changed_at)
       values (?, ?, ?, ?, ?, 1, ?, ?, ?)`,
    ).run(id, values.email, values.name, values.role, values.passwordHash, now, now, values.passwordHash ? now : null);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_UNIQUE')) {
      throw new EmailTaken(`${values.email} is already taken`);
    }
    throw error;
  }
  return getUser(sqlite, id) as UserRow;
}

/**
 * The first admin, created only while there is no user at all. The check and the insert share one
 * immediate transaction, so two setup requests at once cannot both succeed.
 */
export function insertFirstUser(
  sqlite: Sql,
  values: { email: string; name: string; role: Role; passwordHash: string },
): UserRow | undefined {
  return immediate(sqlite, () => (countUsers(sqlite) === 0 ? insertUser(sqlite, values) : undefined));
}

export function countUsers(sqlite: Sql): number {
  return (prepared(sqlite, 'select count(*) as n from users').get() as { n: number }).n;
}

export function getUser(sqlite: Sql, id: string): UserRow | undefined {
  return toUser(prepared(sqlite, `select ${COLUMNS} from users where id = ?`).get(id) as RawUser | undefined);
}

/** A user by email, ignoring case, with the password hash for sign-in. */
export function getUserForLogin(sqlite: Sql, email: string): (UserRow & { passwordHash: string | null }) | undefined {
  const row = prepared(
    sqlite,
    `select ${COLUMNS}, password_hash as passwordHash from users where lower(email) = lower(?)`,
  ).get(email) as (RawUser & { passwordHash: string | null }) | undefined;
  return row && { ...row, active: row.active === 1 };
}

export function getPasswordHash(sqlite: Sql, id: string): string | null {
  const row = prepared(sqlite, 'select password_hash as hash from users where id = ?').get(id) as
    | { hash: string | null }
    | undefined;
  return row?.hash ?? null;
}

export function listUsers(sqlite: Sql): UserRow[] {
  return (prepared(sqlite, `select ${COLUMNS} from users order by lower(email)`).all() as RawUser[]).map(
    (row) => toUser(row) as UserRow,
  );
}

export function setPasswordHash(sqlite: Sql, id: string, passwordHash: string): void {
  const now = nowIso();
  prepared(sqlite, 'update users set password_hash = ?, password_changed_at = ?, updated_at = ? where id = ?').run(
    passwordHash,
    now,
    now,
    id,
  );
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
  sqlite: Sql,
  id: string,
  patch: { role?: Role; active?: boolean; name?: string },
): UserRow | undefined {
  return immediate(sqlite, () => {
    const user = getUser(sqlite, id);
    if (!user) return undefined;
    const role = patch.role ?? user.role;
    const active = patch.active ?? user.active;
    const losesAdmin = user.role === 'admin' && user.active && (role !== 'admin' || !active);
    if (losesAdmin) {
      const admins = (
        prepared(sqlite, "select count(*) as n from users where role = 'admin' and active = 1").get() as { n: number }
      ).n;
      if (admins <= 1) throw new LastAdmin('this is the last active admin: make another admin first');
    }
    prepared(sqlite, 'update users set role = ?, active = ?, name = ?, updated_at = ? where id = ?').run(
      role,
      active ? 1 : 0,
      patch.name ?? user.name,
      nowIso(),
      id,
    );
    return getUser(sqlite, id);
  });
}

/** How a user is shown next to what they did (versions, publications): their name, else email. */
export function userDisplayName(sqlite: Sql, id: string | null): string | null {
  if (id === null) return null;
  const row = prepared(sqlite, 'select name, email from users where id = ?').get(id) as
    | { name: string; email: string }
    | undefined;
  return row ? row.name || row.email : null;
}
