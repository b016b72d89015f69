import type Database from 'better-sqlite3';
import { type ConnectionLock, connectionLock } from './connection-lock.ts';
import { immediate } from './prepared.ts';

/**
 * Writes asked for in the same turn of the event loop, committed together in one transaction.
 * Every transaction takes SQLite's single write lock, which the API process and the engine
 * workers share; a burst of fifty runs started at once (webhooks, a schedule) then takes it once
 * instead of fifty times, and a worker waiting for it sleeps far less. Each write runs in its own
 * savepoint, so one that fails rejects only its own caller.
 */
export class WriteBatcher<Input, Output> {
  private pending: Array<{ input: Input; resolve: (output: Output) => void; reject: (error: unknown) => void }> = [];
  private readonly sqlite: Database.Database;
  private readonly savepoint: (input: Input) => Output;
  private readonly lock: ConnectionLock;

  constructor(sqlite: Database.Database, write: (input: Input) => Output) {
    this.sqlite = sqlite;
    this.lock = connectionLock(sqlite);
    // Created once: inside the batch's transaction, better-sqlite3 runs it as a savepoint.
    this.savepoint = sqlite.transaction(write);
  }

  add(input: Input): Promise<Output> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ input, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.lock.held) {
      // An async store transaction holds the connection: the batch commits after it, not inside it.
      // (A transaction must not wait for a batch: it would wait for ever.)
      void this.lock.runOutside(() => this.commit());
      return;
    }
    this.commit();
  }

  private commit(): void {
    const batch = this.pending;
    this.pending = [];
    let outcomes: Array<{ ok: true; output: Output } | { ok: false; error: unknown }>;
    try {
      outcomes = immediate(this.sqlite, () =>
        batch.map((item) => {
          try {
            return { ok: true as const, output: this.savepoint(item.input) };
          } catch (error) {
            return { ok: false as const, error };
          }
        }),
      );
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) item.resolve(outcome.output);
      else item.reject(outcome?.error);
    });
  }
}
