import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import sortNode from './sort.node.ts';

/** Runs the node on `items` as what `{{ input }}` (the default list) evaluates to. */
async function sort(keys: unknown, items: unknown) {
  const { evaluate } = answeringTemplates({ '{{ input }}': items });
  const config = sortNode.config.parse({ keys });
  return (await sortNode.execute({ config, input: items, ctx: testContext({ evaluate }) })).output;
}

const ids = (items: unknown) => (items as { id: number }[]).map((item) => item.id);

describe('sort node config', () => {
  it('reads the input by default and sorts ascending', () => {
    expect(sortNode.config.parse({ keys: [{ field: 'total' }] })).toEqual({
      items: '{{ input }}',
      keys: [{ field: 'total', direction: 'ascending' }],
    });
  });

  it('wants at least one key, each a dot path, naming the field', () => {
    expect(issuePaths(sortNode.config, {})).toEqual([['keys']]);
    expect(issuePaths(sortNode.config, { keys: [] })).toEqual([['keys']]);
    expect(issuePaths(sortNode.config, { keys: [{ field: 'a..b' }] })).toEqual([['keys', 0, 'field']]);
    expect(issuePaths(sortNode.config, { keys: [{ field: 'a', direction: 'up' }] })).toEqual([
      ['keys', 0, 'direction'],
    ]);
  });
});

describe('sort node', () => {
  it('sorts by a number field, ascending or descending', async () => {
    const items = [
      { id: 1, total: 30 },
      { id: 2, total: 5 },
      { id: 3, total: 12 },
    ];
    expect(ids(await sort([{ field: 'total' }], items))).toEqual([2, 3, 1]);
    expect(ids(await sort([{ field: 'total', direction: 'descending' }], items))).toEqual([1, 3, 2]);
  });

  it('keeps items with equal keys in the order they came, in both directions', async () => {
    const items = [
      { id: 1, group: 'b' },
      { id: 2, group: 'a' },
      { id: 3, group: 'b' },
      { id: 4, group: 'a' },
      { id: 5, group: 'b' },
    ];
    expect(ids(await sort([{ field: 'group' }], items))).toEqual([2, 4, 1, 3, 5]);
    expect(ids(await sort([{ field: 'group', direction: 'descending' }], items))).toEqual([1, 3, 5, 2, 4]);
  });

  it('breaks ties with the next key', async () => {
    const items = [
      { id: 1, country: 'FR', total: 10 },
      { id: 2, country: 'DE', total: 10 },
      { id: 3, country: 'FR', total: 50 },
      { id: 4, country: 'DE', total: 70 },
    ];
    const keys = [{ field: 'country' }, { field: 'total', direction: 'descending' }];
    expect(ids(await sort(keys, items))).toEqual([4, 2, 3, 1]);
  });

  it('reads nested fields', async () => {
    const items = [
      { id: 1, customer: { name: 'Grace' } },
      { id: 2, customer: { name: 'Ada' } },
    ];
    expect(ids(await sort([{ field: 'customer.name' }], items))).toEqual([2, 1]);
  });

  it('puts items without the field, or with null, last in either direction, keeping their order', async () => {
    const items = [{ id: 1 }, { id: 2, total: 3 }, { id: 3, total: null }, { id: 4, total: 1 }, 'not an object'];
    const ascending = (await sort([{ field: 'total' }], items)) as unknown[];
    expect(ascending).toEqual([
      { id: 4, total: 1 },
      { id: 2, total: 3 },
      { id: 1 },
      { id: 3, total: null },
      'not an object',
    ]);
    const descending = (await sort([{ field: 'total', direction: 'descending' }], items)) as unknown[];
    expect(descending.slice(0, 2)).toEqual([
      { id: 2, total: 3 },
      { id: 4, total: 1 },
    ]);
    expect(descending.slice(2)).toEqual([{ id: 1 }, { id: 3, total: null }, 'not an object']);
  });

  it('compares numbers written as text by size and dates by time', async () => {
    const byAmount = [
      { id: 1, amount: '100' },
      { id: 2, amount: 20 },
      { id: 3, amount: '3.5' },
    ];
    expect(ids(await sort([{ field: 'amount' }], byAmount))).toEqual([3, 2, 1]);
    const byDate = [
      { id: 1, at: '2026-03-01T10:00:00+02:00' },
      { id: 2, at: '2026-03-01T09:00:00Z' },
      { id: 3, at: '2026-02-15' },
    ];
    expect(ids(await sort([{ field: 'at' }], byDate))).toEqual([3, 1, 2]);
  });

  it('groups mixed kinds: numbers before texts, whatever the order they came in', async () => {
    const items = [
      { id: 1, code: 'b' },
      { id: 2, code: 7 },
      { id: 3, code: 'a' },
      { id: 4, code: 2 },
    ];
    expect(ids(await sort([{ field: 'code' }], items))).toEqual([4, 2, 3, 1]);
  });

  it('sorts an empty list to an empty list, and leaves the given list as it was', async () => {
    expect(await sort([{ field: 'x' }], [])).toEqual([]);
    const items = [{ id: 2 }, { id: 1 }];
    await sort([{ field: 'id' }], items);
    expect(ids(items)).toEqual([2, 1]);
  });

  it('sorts the list an expression names, not the input', async () => {
    const { evaluate } = answeringTemplates({ '{{ input.orders }}': [{ id: 2 }, { id: 1 }] });
    const config = sortNode.config.parse({ items: '{{ input.orders }}', keys: [{ field: 'id' }] });
    const result = await sortNode.execute({ config, input: { orders: 'ignored' }, ctx: testContext({ evaluate }) });
    expect(result.output).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('fails without retrying on a value that is not a list, naming the field and what it got', async () => {
    const failure = sort([{ field: 'id' }], { orders: [] });
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow('config.items: expected a list, got an object: {"orders":[]}');
    await expect(sort([{ field: 'id' }], null)).rejects.toThrow('config.items: expected a list, got null');
    await expect(sort([{ field: 'id' }], 'abc')).rejects.toThrow('config.items: expected a list, got a string: "abc"');
  });
});
