import type Database from 'better-sqlite3';
import { assertNoForeignTransaction } from './connection-lock.ts';
import type { Db } from './db.ts';
import { flushGroupCommit } from './group-commit.ts';

/**
 * A query-builder statement built and prepared once per database (drizzle's `.prepare()`, its
 * parameters `sql.placeholder`s), for statements on hot paths: building a query and preparing it
 * on every call costs 30–90 µs where running a prepared one costs 3–14 µs (bench/sql-style.ts).
 */
export function preparedOnce<T>(build: (db: Db) => T): (db: Db) => T {
  const statements = new WeakMap<Db, T>();
  return (db) => {
    let statement = statements.get(db);
    if (statement === undefined) {
      statement = build(db);
      statements.set(db, statement);
    }
    return statement;
  };
}

/**
 * The engine's hot-path SQL (steps.ts, run-store.ts, the engine's functions of executions.ts): the engine runs a handful of statements per step, thousands of times a second.
 * Building them with the query builder and preparing them anew on every call cost more than all
 * the engine's other work, so these are prepared once per connection and reused.
 */
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepared(sqlite: Database.Database, sql: string): Database.Statement {
  let statements = cache.get(sqlite);
  if (!statements) {
    statements = new Map();
    cache.set(sqlite, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = sqlite.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/**
 * Runs `work` in a BEGIN IMMEDIATE transaction: writers queue on the lock instead of failing mid-way.
 * Inside an open transaction it is a savepoint of it; refused inside another caller's (see
 * `assertNoForeignTransaction`). A worker's open group commit (group-commit.ts) commits first.
 */
export function immediate<T>(sqlite: Database.Database, work: () => T): T {
  assertNoForeignTransaction(sqlite);
  flushGroupCommit(sqlite);
  return sqlite.transaction(work).immediate();
}

export const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
export const fromJson = (text: unknown): unknown => (typeof text === 'string' ? JSON.parse(text) : null);
