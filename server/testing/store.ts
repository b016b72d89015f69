import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../store/db.ts';
import { type ExecutionRow, finishExecution, insertExecution } from '../store/executions.ts';
import { insertFinishedStepRun } from '../store/steps.ts';

/** A real SQLite file in a fresh temp dir; `cleanup` closes and removes it. */
export function tempStore(
  options: { migrationsFolder?: string } = {},
): Store & { dir: string; file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-test-'));
  const file = join(dir, 'stepwise.db');
  const store = openStore(file, options);
  return {
    ...store,
    dir,
    file,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The SQLite file under a store, for tests that check what the port cannot show (pragmas, rows
 * as stored, triggers) or that set a row up no repository writes (a timestamp in the past). The
 * only test-side door to SQL: tests hold this, never the better-sqlite3 handle.
 */
export interface StoreFile {
  /** Every row the statement answers. */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined;
  /** The first column of every row. */
  column<T = unknown>(sql: string, ...params: unknown[]): T[];
  /** Runs one statement; answers how many rows it changed. */
  run(sql: string, ...params: unknown[]): number;
  /** Runs several statements, no parameters. */
  exec(sql: string): void;
  /** A pragma's value (`simple`), e.g. `pragma('foreign_keys')`, or sets one (`pragma('foreign_keys = OFF')`). */
  pragma(statement: string): unknown;
  /** Runs `work` in one transaction. */
  transaction<T>(work: () => T): T;
}

export function storeFile(store: Pick<Store, 'sqlite'>): StoreFile {
  const { sqlite } = store;
  return {
    all: <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[],
    get: <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T | undefined,
    column: <T>(sql: string, ...params: unknown[]) =>
      sqlite
        .prepare(sql)
        .pluck()
        .all(...params) as T[],
    run: (sql, ...params) => sqlite.prepare(sql).run(...params).changes,
    exec: (sql) => {
      sqlite.exec(sql);
    },
    pragma: (statement) => sqlite.pragma(statement, { simple: true }),
    transaction: (work) => sqlite.transaction(work)(),
  };
}

/**
 * Records written as the engine's run store writes them, for tests that set up a run's state
 * directly (a crash mid-run, a run lost by the queue): the engine's own store functions, reached
 * here so that tests hold no SQLite handle.
 */
export function engineRecords(store: Pick<Store, 'sqlite'>) {
  const { sqlite } = store;
  return {
    /** A queued execution, as starting a run stores it. */
    insertExecution: (values: Parameters<typeof insertExecution>[1]): ExecutionRow => insertExecution(sqlite, values),
    /** Ends a run still going, as its last step does. */
    finishExecution: (id: string, status: 'succeeded' | 'failed', error?: unknown): boolean =>
      finishExecution(sqlite, id, status, error),
    /** A step's result stored without a claim, as a pure step's is. */
    insertFinishedStepRun: (
      ...args: Parameters<typeof insertFinishedStepRun> extends [unknown, ...infer Rest] ? Rest : never
    ) => insertFinishedStepRun(sqlite, ...args),
  };
}

/** The store's file opened read-only (as a full disk or a read-only mount leaves it), for tests of what notices. */
export function readOnlyStore(file: string): Pick<Store, 'sqlite'> & { close(): void } {
  const sqlite = new Database(file, { readonly: true });
  return { sqlite, close: () => sqlite.close() };
}
