import type Database from 'better-sqlite3';
import type { ConnectionLock } from './connection-lock.ts';
import { beginImmediate, NOT_YET, tryBeginImmediate, WENT_THROUGH, whenWritable } from './write-lock.ts';

export interface GroupCommitOptions {
  /** Longest a transaction stays open (SQLite's one write lock held) before it commits by itself. */
  readonly windowMs: number;
  /** Most writes one transaction takes before it commits by itself. */
  readonly maxWrites: number;
}

/** ~20 ms or 200 writes: short enough that other processes barely wait for SQLite's write lock (a pure step's write takes ~50 µs). */
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { windowMs: 20, maxWrites: 200 };

/** Thrown by every later write and flush once a commit failed: nothing may build on writes that were lost. */
export class GroupCommitFailed extends Error {
  override name = 'GroupCommitFailed';
}

/**
 * One worker process's engine writes, committed in groups: a write joins the open transaction
 * (each in its own savepoint, so a failing one undoes only itself), and the transaction commits
 * when someone needs what was written to be durable (`flush`: before a job is queued, an event is
 * published, an action runs or a job ends), after `windowMs`, or after `maxWrites` writes. A chain
 * of pure steps (a condition, a transform, a script) thus stores every step's record in one
 * commit, and so do the chains of the process's other jobs meanwhile.
 *
 * Reads on the same connection see the open transaction's writes, so the process's own decisions
 * stay consistent; other processes see them once committed. A crash before the commit loses only
 * writes whose effects nobody outside could see yet: their jobs are not complete, and running them
 * again redoes exactly those steps (docs/architecture.md, invariant "inline chain").
 */
export class GroupCommit {
  private readonly sqlite: Database.Database;
  private readonly options: GroupCommitOptions;
  private readonly statements: {
    commit: Database.Statement;
    rollback: Database.Statement;
    savepoint: Database.Statement;
    release: Database.Statement;
    undo: Database.Statement;
  };
  private open = false;
  private writes = 0;
  private timer: NodeJS.Timeout | undefined;
  private broken: GroupCommitFailed | undefined;
  /** The commit callers of `durable` wait for: due at the end of this turn, settled by whichever commit comes first. */
  private commitDue: PromiseWithResolvers<void> | undefined;
  private readonly onFailure: (error: GroupCommitFailed) => void;

  constructor(
    sqlite: Database.Database,
    options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
    onFailure: (error: GroupCommitFailed) => void = () => {},
  ) {
    this.sqlite = sqlite;
    this.options = options;
    this.onFailure = onFailure;
    this.statements = {
      commit: sqlite.prepare('COMMIT'),
      rollback: sqlite.prepare('ROLLBACK'),
      savepoint: sqlite.prepare('SAVEPOINT stepwise_write'),
      release: sqlite.prepare('RELEASE stepwise_write'),
      undo: sqlite.prepare('ROLLBACK TO stepwise_write'),
    };
  }

  /** Runs `work` in the open transaction (opening one if none is), in a savepoint of its own. */
  write<T>(work: () => T): T {
    if (this.broken) throw this.broken;
    if (!this.open) this.begin();
    // A savepoint of prepared statements, not `sqlite.transaction(work)()`: better-sqlite3 builds
    // a new transaction function (four wrappers) on every call, ~4 % of a worker's CPU under load.
    const { savepoint, release, undo } = this.statements;
    savepoint.run();
    let result: T;
    try {
      result = work();
      if (result instanceof Promise) throw new TypeError('a group commit write must be synchronous');
    } catch (error) {
      // As better-sqlite3 does: an error SQLite answered by rolling back everything left nothing to undo.
      if (this.sqlite.inTransaction) {
        undo.run();
        release.run();
      }
      throw error;
    }
    release.run();
    if (++this.writes >= this.options.maxWrites) this.flush();
    return result;
  }

  /**
   * Resolves once what was written so far is committed. The commit happens once this turn of the
   * event loop is over, shared by every caller meanwhile: under load, the jobs running side by side
   * in a worker wait for one commit instead of committing one after another (each commit writes its
   * pages to the WAL again). Callers go on in the order they asked: whichever commit comes first
   * (at the turn's end, by the window's timer or after the most writes) settles every caller
   * waiting, before those who ask later are answered. Rejects when that commit fails.
   */
  durable(): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    if (!this.open) return Promise.resolve();
    if (!this.commitDue) {
      const due = Promise.withResolvers<void>();
      this.commitDue = due;
      setImmediate(() => {
        // Settled already if another commit came first.
        if (this.commitDue !== due) return;
        try {
          this.flush();
        } catch {
          // `flush` rejected the callers' promise.
        }
      });
    }
    return this.commitDue.promise;
  }

  /** Commits the open transaction, if any: what was written is durable when this returns. */
  flush(): void {
    if (this.broken) throw this.broken;
    // The callers of `durable` are waiting for this commit, whatever made it.
    const due = this.commitDue;
    this.commitDue = undefined;
    if (!this.open) {
      due?.resolve();
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.open = false;
    this.writes = 0;
    try {
      this.statements.commit.run();
    } catch (error) {
      // The writes of every caller since the last commit are lost, and some of them were told their
      // write succeeded: refuse all further work so none of them acts on it (the jobs run again).
      if (this.sqlite.inTransaction) this.statements.rollback.run();
      this.broken = new GroupCommitFailed(`could not commit the engine's writes: ${(error as Error).message}`, {
        cause: error,
      });
      this.onFailure(this.broken);
      due?.reject(this.broken);
      throw this.broken;
    }
    due?.resolve();
  }

  /**
   * Resolves once the group's transaction is open. When another process holds SQLite's write lock
   * it waits on the event loop (write-lock.ts), so the worker's other jobs go on meanwhile, instead
   * of asleep inside SQLite as a write that opens the group itself would. Tries under `lock`, which
   * keeps it clear of a repository transaction on the same connection.
   */
  async ready(lock: ConnectionLock): Promise<void> {
    if (this.open || this.broken) return;
    await whenWritable((block) =>
      lock.run(() => {
        if (this.open || this.broken) return WENT_THROUGH;
        if (block) this.begin();
        else if (tryBeginImmediate(this.sqlite)) this.began();
        else return NOT_YET;
        return WENT_THROUGH;
      }),
    );
  }

  private begin(): void {
    beginImmediate(this.sqlite);
    this.began();
  }

  private began(): void {
    this.open = true;
    this.timer = setTimeout(() => {
      try {
        this.flush();
      } catch {
        // `broken` holds the error: the next write or flush reports it to its caller.
      }
    }, this.options.windowMs);
    this.timer.unref();
  }
}

const groups = new WeakMap<Database.Database, GroupCommit>();

/**
 * The group commit of a connection: one per connection, however many worker runners share it (an
 * open transaction belongs to the connection, not to whoever opened it).
 */
export function groupCommitOf(
  sqlite: Database.Database,
  options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
  onFailure?: (error: GroupCommitFailed) => void,
): GroupCommit {
  let group = groups.get(sqlite);
  if (!group) {
    group = new GroupCommit(sqlite, options, onFailure);
    groups.set(sqlite, group);
  }
  return group;
}

/**
 * Commits the connection's open group, if any, before a write that commits on its own or a read
 * through the repositories: those must neither join the group's transaction nor wait for its
 * window. (In production a worker's connection has no other writer; tests share one.)
 */
export function flushGroupCommit(sqlite: Database.Database): void {
  groups.get(sqlite)?.flush();
}
