import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing/store.ts';
import { WriteBatcher } from './write-batcher.ts';

let store: ReturnType<typeof tempStore>;
beforeEach(() => {
  store = tempStore();
  store.sqlite.exec('create table notes (id integer primary key, text text not null unique)');
});
afterEach(() => store.cleanup());

describe('writes batched per turn of the event loop', () => {
  it('commits the writes of one turn together, each answering its own caller', async () => {
    const inTransaction: boolean[] = [];
    const batcher = new WriteBatcher(store.sqlite, (text: string) => {
      inTransaction.push(store.sqlite.inTransaction);
      return Number(store.sqlite.prepare('insert into notes (text) values (?)').run(text).lastInsertRowid);
    });
    const results = await Promise.allSettled([batcher.add('a'), batcher.add('b'), batcher.add('a'), batcher.add('c')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    // The duplicate failed alone (its savepoint rolled back); the others are stored.
    expect(store.sqlite.prepare('select text from notes order by id').all()).toEqual([
      { text: 'a' },
      { text: 'b' },
      { text: 'c' },
    ]);
    expect(inTransaction).toEqual([true, true, true, true]);
    expect(store.sqlite.inTransaction).toBe(false);
    await expect(batcher.add('d')).resolves.toBe(4);
  });
});
