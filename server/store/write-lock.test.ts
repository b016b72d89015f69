import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing/store.ts';
import { WriteBatcher } from './write-batcher.ts';
import { tryBeginImmediate } from './write-lock.ts';

let store: ReturnType<typeof tempStore>;
/** Another process's connection to the same file, holding the write lock when a test says so. */
let other: Database.Database;
beforeEach(() => {
  store = tempStore();
  store.sqlite.exec('create table notes (id integer primary key, text text not null)');
  other = new Database(store.file);
});
afterEach(() => {
  other.close();
  store.cleanup();
});

describe('taking SQLite write lock without sleeping on the event loop', () => {
  it('opens a transaction when the lock is free, answers false at once when another connection holds it', () => {
    other.exec('BEGIN IMMEDIATE');
    const began = performance.now();
    expect(tryBeginImmediate(store.sqlite)).toBe(false);
    // Not the connection's 5 s busy timeout: the answer comes at once, and nothing is left open.
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(store.sqlite.inTransaction).toBe(false);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.exec('COMMIT');
    expect(tryBeginImmediate(store.sqlite)).toBe(true);
    expect(store.sqlite.inTransaction).toBe(true);
    store.sqlite.exec('ROLLBACK');
  });

  it('batches writes that wait for the lock, and the event loop keeps running while they wait', async () => {
    const batcher = new WriteBatcher(store.sqlite, (text: string) =>
      Number(store.sqlite.prepare('insert into notes (text) values (?)').run(text).lastInsertRowid),
    );
    other.exec('BEGIN IMMEDIATE');
    const first = batcher.add('a');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    try {
      await new Promise((resolve) => setTimeout(resolve, 60));
      // Asked for while the first waits: it joins the same batch.
      const second = batcher.add('b');
      await new Promise((resolve) => setTimeout(resolve, 20));
      // A sleep inside SQLite would have held the loop: the timer ran meanwhile, and nothing is stored yet.
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(store.sqlite.prepare('select count(*) as n from notes').get()).toEqual({ n: 0 });
      other.exec('COMMIT');
      await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    } finally {
      clearInterval(timer);
    }
    expect(store.sqlite.inTransaction).toBe(false);
  });
});
