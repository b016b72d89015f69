import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import mergeByKeyNode from './merge-by-key.node.ts';

const RIGHT = '{{ steps.Customers.output }}';

async function merge(config: Record<string, unknown>, left: unknown, right: unknown) {
  const { evaluate } = answeringTemplates({ '{{ input }}': left, [RIGHT]: right });
  const parsed = mergeByKeyNode.config.parse({ right: RIGHT, ...config });
  return (await mergeByKeyNode.execute({ config: parsed, input: left, ctx: testContext({ evaluate }) })).output;
}

const orders = [
  { id: 'o1', customerId: 1, total: 10 },
  { id: 'o2', customerId: 2, total: 20 },
  { id: 'o3', customerId: 9, total: 30 },
  { id: 'o4', customerId: 1, total: 40 },
];
const customers = [
  { id: 1, name: 'Ada' },
  { id: '2', name: 'Grace' },
  { id: 3, name: 'Alan' },
];
const byCustomer = { leftKey: 'customerId', rightKey: 'id' };

describe('merge by key config', () => {
  it('wants the right list; matches id with id and enriches the left by default, left values winning', () => {
    expect(issuePaths(mergeByKeyNode.config, {})).toEqual([['right']]);
    expect(issuePaths(mergeByKeyNode.config, { right: '' })).toEqual([['right']]);
    expect(mergeByKeyNode.config.parse({ right: RIGHT })).toEqual({
      left: '{{ input }}',
      right: RIGHT,
      leftKey: 'id',
      rightKey: 'id',
      mode: 'enrichLeft',
      prefer: 'left',
    });
  });

  it('refuses unknown modes and bad key paths, naming the field', () => {
    expect(issuePaths(mergeByKeyNode.config, { right: RIGHT, mode: 'cross' })).toEqual([['mode']]);
    expect(issuePaths(mergeByKeyNode.config, { right: RIGHT, leftKey: 'a..b' })).toEqual([['leftKey']]);
  });
});

describe('merge by key', () => {
  it('enrich left: each left item once, in order, with its first match or alone; left values win', async () => {
    expect(await merge(byCustomer, orders, customers)).toEqual([
      { id: 'o1', customerId: 1, total: 10, name: 'Ada' },
      { id: 'o2', customerId: 2, total: 20, name: 'Grace' },
      { id: 'o3', customerId: 9, total: 30 },
      { id: 'o4', customerId: 1, total: 40, name: 'Ada' },
    ]);
  });

  it('matches keys as text: 2 matches "2"', async () => {
    const [, second] = (await merge({ ...byCustomer, mode: 'inner' }, orders, customers)) as unknown[];
    expect(second).toMatchObject({ id: 'o2', name: 'Grace' });
  });

  it('prefer right: the right value stays where both have a field', async () => {
    const output = await merge({ ...byCustomer, prefer: 'right' }, orders.slice(0, 1), customers);
    expect(output).toEqual([{ id: 1, customerId: 1, total: 10, name: 'Ada' }]);
  });

  it('inner: one item per matching pair, only where items match', async () => {
    const right = [
      { id: 1, tier: 'gold' },
      { id: 1, tier: 'silver' },
      { id: 2, tier: 'bronze' },
    ];
    const left = [
      { key: 2, n: 'b' },
      { key: 5, n: 'x' },
      { key: 1, n: 'a' },
    ];
    expect(await merge({ leftKey: 'key', mode: 'inner' }, left, right)).toEqual([
      { key: 2, n: 'b', id: 2, tier: 'bronze' },
      { key: 1, n: 'a', id: 1, tier: 'gold' },
      { key: 1, n: 'a', id: 1, tier: 'silver' },
    ]);
  });

  it('left: every left item, once per match or alone without one', async () => {
    const right = [
      { id: 1, tier: 'gold' },
      { id: 1, tier: 'silver' },
    ];
    const left = [{ id: 1 }, { id: 2 }];
    expect(await merge({ mode: 'left' }, left, right)).toEqual([
      { id: 1, tier: 'gold' },
      { id: 1, tier: 'silver' },
      { id: 2 },
    ]);
  });

  it('full outer: the left join, then the right items nothing matched, in their order', async () => {
    expect(await merge({ ...byCustomer, mode: 'fullOuter' }, orders, customers)).toEqual([
      { id: 'o1', customerId: 1, total: 10, name: 'Ada' },
      { id: 'o2', customerId: 2, total: 20, name: 'Grace' },
      { id: 'o3', customerId: 9, total: 30 },
      { id: 'o4', customerId: 1, total: 40, name: 'Ada' },
      { id: 3, name: 'Alan' },
    ]);
  });

  it('matches nothing on a missing or null key, on either side', async () => {
    const left = [{ n: 'no key' }, { id: null, n: 'null key' }];
    const right = [{ other: 1 }, { id: null, tier: 'x' }];
    expect(await merge({ mode: 'inner' }, left, right)).toEqual([]);
    expect(await merge({ mode: 'fullOuter' }, left, right)).toEqual([...left, ...right]);
  });

  it('matches nested keys and puts items that are not objects under left or right', async () => {
    const left = [{ customer: { id: 1 } }, 'loose'];
    const right = [{ ref: { id: 1 }, name: 'Ada' }];
    expect(await merge({ leftKey: 'customer.id', rightKey: 'ref.id' }, left, right)).toEqual([
      { customer: { id: 1 }, ref: { id: 1 }, name: 'Ada' },
      'loose',
    ]);
    expect(await merge({ leftKey: '0', rightKey: '0', mode: 'inner' }, [['k', 1]], [['k', 2]])).toEqual([
      { left: ['k', 1], right: ['k', 2] },
    ]);
  });

  it('gives what the modes say for empty lists', async () => {
    expect(await merge({ mode: 'fullOuter' }, [], [{ id: 1 }])).toEqual([{ id: 1 }]);
    expect(await merge({ mode: 'inner' }, [{ id: 1 }], [])).toEqual([]);
    expect(await merge({}, [{ id: 1 }], [])).toEqual([{ id: 1 }]);
  });

  it('fails without retrying when either side is not a list, naming that side', async () => {
    const right = merge({}, [], { items: [] });
    await expect(right).rejects.toThrow(NonRetryableError);
    await expect(right).rejects.toThrow('config.right: expected a list, got an object: {"items":[]}');
    await expect(merge({}, 'x', [])).rejects.toThrow('config.left: expected a list, got a string: "x"');
  });
});
