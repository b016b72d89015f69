import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { DATA_DIR_MODE, makePrivate } from '../file-modes.ts';
import * as schema from './schema.ts';

/** The database or a transaction on it: store functions take either, so callers can compose them in one transaction. */
export type Db = BaseSQLiteDatabase<'sync', Database.RunResult, typeof schema>;

export interface Store {
  readonly db: Db;
  /** The raw handle, for pragmas, backups and tests that inspect the file. */
  readonly sqlite: Database.Database;
  close(): void;
}

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Opens (creating when missing) the SQLite file and brings its schema up to date. Several
 * processes share the file (server and workers), hence WAL and a busy timeout.
 */
export function openStore(file: string, options: { migrationsFolder?: string } = {}): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: DATA_DIR_MODE });
  const sqlite = new Database(file);
  // Only takes effect on a brand-new file (before the first table): lets retention pruning give space back later.
  sqlite.pragma('auto_vacuum = INCREMENTAL');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle({ client: sqlite, schema });
  try {
    migrate(db, { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
  } catch (error) {
    sqlite.close();
    throw error;
  }
  // Every record (users, runs, sealed credentials) is in these files: the owner's alone. The WAL
  // files exist by now (WAL mode and migrations wrote), and SQLite keeps their modes as they are.
  if (file !== ':memory:') makePrivate(file, `${file}-wal`, `${file}-shm`);
  return { db, sqlite, close: () => sqlite.close() };
}

/**
 * Timestamps are stored as ISO-8601 UTC text, which sorts correctly as text. The text of the
 * current millisecond is made once: a chain of steps asks for it several times per step.
 */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
let lastMs = -1;
let lastIso = '';
