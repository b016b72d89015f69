import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing/store.ts';
import { connectionLock } from './connection-lock.ts';
import { GroupCommit, GroupCommitFailed, groupCommitOf } from './group-commit.ts';
import { immediate } from './prepared.ts';

const stores: Array<ReturnType<typeof tempStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.cleanup();
});

/** A table on a real SQLite file, the connection that writes it, and a second one that reads it (another process's view). */
function setup() {
  const store = tempStore();
  stores.push(store);
  store.sqlite.exec('create table t (n integer primary key)');
  const other = new Database(store.file, { readonly: true });
  const seen = () => (other.prepare('select count(*) as c from t').get() as { c: number }).c;
  const insert = (n: number) => () => store.sqlite.prepare('insert into t (n) values (?)').run(n);
  return { store, seen, insert, close: () => other.close() };
}

describe('GroupCommit', () => {
  it('keeps writes in one open transaction until flushed: this connection sees them, others only after', () => {
    const { store, seen, insert, close } = setup();
    const group = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 100 });
    group.write(insert(1));
    group.write(insert(2));
    expect(store.sqlite.inTransaction).toBe(true);
    expect((store.sqlite.prepare('select count(*) as c from t').get() as { c: number }).c).toBe(2);
    expect(seen()).toBe(0);
    group.flush();
    expect(store.sqlite.inTransaction).toBe(false);
    expect(seen()).toBe(2);
    group.flush(); // nothing open: nothing to do
    close();
  });

  it('opens its transaction once another process lets go of the write lock, and the event loop runs meanwhile', async () => {
    const { store, seen, insert, close } = setup();
    const holder = new Database(store.file);
    const group = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 100 });
    holder.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    try {
      let opened = false;
      const ready = group.ready(connectionLock(store.sqlite)).then(() => {
        opened = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(opened).toBe(false);
      expect(ticks).toBeGreaterThanOrEqual(10);
      holder.exec('COMMIT');
      await ready;
      expect(store.sqlite.inTransaction).toBe(true);
      group.write(insert(1));
      group.flush();
      expect(seen()).toBe(1);
    } finally {
      clearInterval(timer);
      holder.close();
      close();
    }
  });

  it('commits by itself after its window, and after its most writes', async () => {
    const { store, seen, insert, close } = setup();
    const timed = new GroupCommit(store.sqlite, { windowMs: 10, maxWrites: 100 });
    timed.write(insert(1));
    expect(seen()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(seen()).toBe(1);

    const counted = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 3 });
    counted.write(insert(2));
    counted.write(insert(3));
    expect(seen()).toBe(1);
    counted.write(insert(4));
    expect(seen()).toBe(4);
    close();
  });

  it('makes writes durable in one commit shared by every caller of the same turn', async () => {
    const { store, seen, insert, close } = setup();
    const group = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 100 });
    await group.durable(); // nothing open: nothing to wait for
    group.write(insert(1));
    const first = group.durable();
    group.write(insert(2));
    const second = group.durable();
    expect(first).toBe(second);
    // Not committed while this turn goes on: others may still join.
    expect(seen()).toBe(0);
    await Promise.all([first, second]);
    expect(seen()).toBe(2);
    expect(store.sqlite.inTransaction).toBe(false);
    // A write after the commit opens the next group, and its callers wait for the next commit.
    group.write(insert(3));
    const third = group.durable();
    expect(third).not.toBe(first);
    await third;
    expect(seen()).toBe(3);
    close();
  });

  it('lets callers go on in the order they asked, whichever commit comes first', async () => {
    const { store, insert, close } = setup();
    const order: string[] = [];
    const group = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 3 });
    group.write(insert(1));
    const first = group.durable().then(() => order.push('first')); // waits for the end of the turn
    group.write(insert(2));
    const second = group.durable().then(() => order.push('second'));
    group.write(insert(3)); // the most writes: commits by itself, before the turn's end
    const third = group.durable().then(() => order.push('third')); // nothing open: answered at once
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
    close();
  });

  it('rejects the callers waiting for a commit that fails', async () => {
    const { store, close } = setup();
    store.sqlite.exec(
      'create table parent (id integer primary key); create table child (p integer references parent(id))',
    );
    store.sqlite.pragma('defer_foreign_keys = ON');
    const group = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 100 });
    group.write(() => store.sqlite.prepare('insert into child (p) values (42)').run());
    const waiting = [group.durable(), group.durable()];
    for (const promise of waiting) await expect(promise).rejects.toThrow(GroupCommitFailed);
    await expect(group.durable()).rejects.toThrow(GroupCommitFailed);
    close();
  });

  it('undoes only the write that failed, in its savepoint', () => {
    const { store, seen, insert, close } = setup();
    const group = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 100 });
    group.write(insert(1));
    expect(() => group.write(insert(1))).toThrow(/UNIQUE/);
    group.write(insert(2));
    group.flush();
    expect(seen()).toBe(2);
    close();
  });

  it('refuses every later write once a commit failed, so nobody builds on writes that were lost', () => {
    const { store, seen, close } = setup();
    store.sqlite.exec(
      'create table parent (id integer primary key); create table child (p integer references parent(id))',
    );
    // A deferred foreign key fails at COMMIT, as a full disk would.
    store.sqlite.pragma('defer_foreign_keys = ON');
    const failures: Error[] = [];
    const group = new GroupCommit(store.sqlite, { windowMs: 60_000, maxWrites: 100 }, (error) => failures.push(error));
    group.write(() => store.sqlite.prepare('insert into t (n) values (1)').run());
    group.write(() => store.sqlite.prepare('insert into child (p) values (42)').run());
    expect(() => group.flush()).toThrow(GroupCommitFailed);
    expect(failures).toHaveLength(1);
    expect(store.sqlite.inTransaction).toBe(false);
    expect(seen()).toBe(0); // the other write went with it
    expect(() => group.write(() => undefined)).toThrow(GroupCommitFailed);
    expect(() => group.flush()).toThrow(GroupCommitFailed);
    close();
  });

  it('is committed first by a write that commits on its own', () => {
    const { store, seen, insert, close } = setup();
    // The connection's group, as a worker's run store uses it.
    const group = groupCommitOf(store.sqlite, { windowMs: 60_000, maxWrites: 100 });
    group.write(insert(1));
    expect(seen()).toBe(0);
    immediate(store.sqlite, insert(2));
    expect(store.sqlite.inTransaction).toBe(false);
    expect(seen()).toBe(2);
    close();
  });
});
