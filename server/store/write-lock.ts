import type Database from 'better-sqlite3';

/**
 * SQLite has one write lock per database, shared by the API process and every worker. Waiting for
 * it through `busy_timeout` sleeps inside SQLite, on the event loop, with a back-off of 1, 2, 5,
 * 10 … ms: measured under webhook load, the API process slept in BEGIN IMMEDIATE 3.6 ms per batch
 * of new runs (a quarter of its time), answering nothing meanwhile, while a worker held the lock.
 * `tryBeginImmediate` asks without waiting, so the caller can wait on the event loop instead
 * (`whenWritable`), serving other work, and ask again every millisecond.
 */

interface LockStatements {
  readonly begin: Database.Statement;
  /** Sets the connection's own busy timeout (db.ts sets it) again, after each try. */
  readonly restoreTimeout: string;
}

const statements = new WeakMap<Database.Database, LockStatements>();

function statementsOf(sqlite: Database.Database): LockStatements {
  let found = statements.get(sqlite);
  if (!found) {
    const timeoutMs = Number(sqlite.pragma('busy_timeout', { simple: true }));
    found = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      restoreTimeout: `PRAGMA busy_timeout = ${Number.isInteger(timeoutMs) ? timeoutMs : 5000}`,
    };
    statements.set(sqlite, found);
  }
  return found;
}

const isBusy = (error: unknown): boolean =>
  typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY');

/** Opens a BEGIN IMMEDIATE transaction if the write lock is free now; false (and nothing open) if it is not. */
export function tryBeginImmediate(sqlite: Database.Database): boolean {
  const { begin, restoreTimeout } = statementsOf(sqlite);
  // Set anew each time: SQLite applies a busy_timeout pragma when it is prepared, not when it runs
  // (so a prepared one cannot be reused); `exec` is the cheapest way to prepare and run one.
  sqlite.exec('PRAGMA busy_timeout = 0');
  try {
    begin.run();
    return true;
  } catch (error) {
    if (isBusy(error)) return false;
    throw error;
  } finally {
    sqlite.exec(restoreTimeout);
  }
}

/** What an attempt given to `whenWritable` answers: it went through, or the lock was taken. */
export const WENT_THROUGH = { done: true, value: undefined } as const;
export const NOT_YET = { done: false } as const;

/** How often a waiting caller asks again, and for how long before it waits inside SQLite as before. */
const RETRY_MS = 1;
const PATIENCE_MS = 5_000;

/**
 * Calls `attempt` until it says it went through: it tries to take the lock without waiting and, if
 * it did, writes and commits synchronously. Between tries the caller's event loop serves other
 * work for RETRY_MS. After PATIENCE_MS `attempt` is told to `block`: it then takes the lock the
 * old way, whose own timeout ends the wait with SQLITE_BUSY.
 */
export async function whenWritable<T>(
  attempt: (block: boolean) => Promise<{ done: true; value: T } | { done: false }>,
): Promise<T> {
  const giveUpAt = performance.now() + PATIENCE_MS;
  for (;;) {
    const block = performance.now() >= giveUpAt;
    const outcome = await attempt(block);
    if (outcome.done) return outcome.value;
    if (block) throw new Error('a blocking write attempt did not go through');
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** BEGIN IMMEDIATE, waiting inside SQLite for the connection's busy timeout if the lock is held. */
export function beginImmediate(sqlite: Database.Database): void {
  statementsOf(sqlite).begin.run();
}
