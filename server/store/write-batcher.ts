import type Database from 'better-sqlite3';
import { assertNoForeignTransaction, type ConnectionLock, connectionLock } from './connection-lock.ts';
import { flushGroupCommit } from './group-commit.ts';
import { beginImmediate, NOT_YET, tryBeginImmediate, WENT_THROUGH, whenWritable } from './write-lock.ts';

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
  private readonly statements: { commit: Database.Statement; rollback: Database.Statement };

  constructor(sqlite: Database.Database, write: (input: Input) => Output) {
    this.sqlite = sqlite;
    this.lock = connectionLock(sqlite);
    // Created once: inside the batch's transaction, better-sqlite3 runs it as a savepoint.
    this.savepoint = sqlite.transaction(write);
    this.statements = { commit: sqlite.prepare('COMMIT'), rollback: sqlite.prepare('ROLLBACK') };
  }

  add(input: Input): Promise<Output> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ input, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /**
   * Takes SQLite's write lock without sleeping on the event loop while another process holds it
   * (write-lock.ts): the process goes on serving meanwhile, and writes asked for while it waits
   * join the batch. Each try waits its turn behind an async store transaction on this connection
   * (`runOutside`): the batch commits after it, not inside it (and a transaction never waits for
   * a batch, which would wait for it in turn).
   */
  private flush(): void {
    whenWritable((block) => this.lock.runOutside(() => this.commit(block))).catch((error: unknown) =>
      this.rejectAll(error),
    );
  }

  private commit(block: boolean): typeof WENT_THROUGH | typeof NOT_YET {
    try {
      assertNoForeignTransaction(this.sqlite);
      flushGroupCommit(this.sqlite);
      if (block) beginImmediate(this.sqlite);
      else if (!tryBeginImmediate(this.sqlite)) return NOT_YET;
    } catch (error) {
      this.rejectAll(error);
      return WENT_THROUGH;
    }
    const batch = this.pending;
    this.pending = [];
    let outcomes: Array<{ ok: true; output: Output } | { ok: false; error: unknown }>;
    try {
      outcomes = batch.map((item) => {
        try {
          return { ok: true as const, output: this.savepoint(item.input) };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
      this.statements.commit.run();
    } catch (error) {
      if (this.sqlite.inTransaction) this.statements.rollback.run();
      for (const item of batch) item.reject(error);
      return WENT_THROUGH;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) item.resolve(outcome.output);
      else item.reject(outcome?.error);
    });
    return WENT_THROUGH;
  }

  private rejectAll(error: unknown): void {
    const batch = this.pending;
    this.pending = [];
    for (const item of batch) item.reject(error);
  }
}
