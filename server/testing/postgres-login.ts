import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** What a `postgres` credential stores, for a login made by `postgresLogin`. */
export interface PostgresSecret {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  ssl: 'disable';
}

/**
 * A database of its own and a role with a password on the test run's PostgreSQL, as a customer's
 * server would have for Stepwise's PostgreSQL node: the secret of a `postgres` credential for it,
 * `admin` to look at the server as its superuser (sessions, tables), and `drop()`.
 */
export async function postgresLogin() {
  const serverUrl = new URL(inject('postgresUrl'));
  const suffix = randomBytes(5).toString('hex');
  const user = `node_user_${suffix}`;
  const database = `node_db_${suffix}`;
  // Letters and digits of every kind, as a real password has: the tests look for it in stored data.
  const password = `Pw-${randomBytes(12).toString('base64url')}!`;
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`create role ${user} login password '${password.replaceAll("'", "''")}'`);
  await admin.query(`create database ${database} owner ${user}`);
  const secret: PostgresSecret = {
    host: serverUrl.hostname,
    port: Number(serverUrl.port || 5432),
    database,
    user,
    password,
    ssl: 'disable',
  };
  return {
    secret,
    admin,
    /** Sessions the role has open on the server right now (pg_stat_activity). */
    async sessions(): Promise<{ pid: number; state: string | null; query: string }[]> {
      const { rows } = await admin.query('select pid, state, query from pg_stat_activity where usename = $1', [user]);
      return rows;
    },
    async drop() {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.query(`drop role if exists ${user}`);
      await admin.end();
    },
  };
}
