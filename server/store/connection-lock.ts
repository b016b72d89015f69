import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';

/** Thrown by `transaction` when called from inside another transaction on the same connection. */
export class NestedTransaction extends Error {
  override name = 'NestedTransaction';
}

/** Thrown when a synchronous transaction would silently join another caller's open async transaction. */
export class ForeignTransactionOpen extends Error {
  override name = 'ForeignTransactionOpen';
}

/** The transaction (its owner token) whose callback is running, carried across its awaits. */
const scope = new AsyncLocalStorage<object>();

const settle = <T>(work: () => T): Promise<T> => {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
};

/**
 * One better-sqlite3 connection is shared by every store call of a process, and SQLite knows one
 * transaction per connection: while an async `transaction` is open (BEGIN IMMEDIATE … COMMIT across
 * awaits), any other statement on the connection would land inside it. The lock makes those other
 * calls wait their turn, first come first served. While nobody holds it (almost always), a call runs
 * at once, synchronously, with no queue or allocation beyond its promise.
 */
export class ConnectionLock {
  private holder: object | undefined;
  private readonly waiters: Array<() => void> = [];

  get held(): boolean {
    return this.holder !== undefined;
  }

  /** True inside the callback of the transaction that holds the lock (across its awaits). */
  get heldHere(): boolean {
    return this.holder !== undefined && scope.getStore() === this.holder;
  }

  /** Runs a plain (non-transaction) call now, or after the transactions and calls queued before it. */
  run<T>(work: () => T): Promise<T> {
    if (this.holder === undefined) return settle(work);
    if (this.heldHere) {
      return Promise.reject(
        new NestedTransaction(
          'a store call was made on the store itself inside a transaction on it: it would wait for the ' +
            'transaction, which waits for it. Use the `tx` repositories the transaction callback was given',
        ),
      );
    }
    const owner = {};
    return this.acquire(owner).then(() => {
      try {
        return work();
      } finally {
        this.release();
      }
    });
  }

  /**
   * `run` for work started by a timer or an event rather than by a transaction's callback, which
   * may have been created inside one (timers inherit the async context): it queues behind the
   * transaction instead of being refused as a call that bypasses it.
   */
  runOutside<T>(work: () => T): Promise<T> {
    return scope.exit(() => this.run(work));
  }

  /**
   * Runs `body` holding the lock, inside `begin`/`commit` (`rollback` when it throws). `body`'s
   * awaits keep the lock: it must await only store calls, never the network or a slow hash.
   */
  async exclusive<T>(
    body: () => Promise<T>,
    statements: { begin(): void; commit(): void; rollback(): void },
  ): Promise<T> {
    if (this.heldHere) {
      throw new NestedTransaction(
        'transactions do not nest: do all the work in the outer transaction, through its `tx`',
      );
    }
    const owner = {};
    await this.acquire(owner);
    try {
      statements.begin();
    } catch (error) {
      this.release();
      throw error;
    }
    try {
      const result = await scope.run(owner, body);
      statements.commit();
      return result;
    } catch (error) {
      statements.rollback();
      throw error;
    } finally {
      this.release();
    }
  }

  private acquire(owner: object): Promise<void> {
    if (this.holder === undefined) {
      this.holder = owner;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiters.push(() => {
        this.holder = owner;
        resolve();
      }),
    );
  }

  private release(): void {
    this.holder = undefined;
    this.waiters.shift()?.();
  }

  /** Resolves once no transaction holds the lock and nothing waits for it. */
  async idle(): Promise<void> {
    while (this.holder !== undefined) await this.run(() => undefined);
  }
}

const locks = new WeakMap<Database.Database, ConnectionLock>();

/** The lock of a connection: every store on it (repositories, the engine's run store) shares it. */
export function connectionLock(sqlite: Database.Database): ConnectionLock {
  let lock = locks.get(sqlite);
  if (!lock) {
    lock = new ConnectionLock();
    locks.set(sqlite, lock);
  }
  return lock;
}

/**
 * Guards a synchronous transaction (better-sqlite3 turns one inside an open transaction into a
 * savepoint): inside the async transaction that holds the connection that is what is meant, but
 * from anywhere else the write would be committed or rolled back with someone else's work. A
 * synchronous caller cannot wait, so it is refused; async callers go through `ConnectionLock.run`.
 */
export function assertNoForeignTransaction(sqlite: Database.Database): void {
  if (!sqlite.inTransaction) return;
  const lock = locks.get(sqlite);
  if (lock?.held && !lock.heldHere) {
    throw new ForeignTransactionOpen(
      'a store transaction is open on this connection: wait for it (ConnectionLock.run) instead of writing into it',
    );
  }
}
