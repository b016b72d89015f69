import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import aggregateNode from './aggregate.node.ts';

async function aggregate(config: Record<string, unknown>, items: unknown) {
  const { evaluate } = answeringTemplates({ '{{ input }}': items });
  return (
    await aggregateNode.execute({
      config: aggregateNode.config.parse(config),
      input: items,
      ctx: testContext({ evaluate }),
    })
  ).output;
}

const orders = [
  { id: 1, status: 'paid', customer: { id: 'c1' }, total: 100, placedAt: '2026-03-02' },
  { id: 2, status: 'open', customer: { id: 'c2' }, total: '20.5', placedAt: '2026-03-01' },
  { id: 3, status: 'paid', customer: { id: 'c1' }, total: 50, placedAt: '2026-03-05' },
  { id: 4, status: 'paid', customer: { id: 'c3' }, placedAt: null },
];

describe('aggregate config', () => {
  it('counts the items of the input by default, without groups', () => {
    expect(aggregateNode.config.parse({})).toEqual({
      items: '{{ input }}',
      groupBy: [],
      operations: [{ operation: 'count' }],
    });
  });

  it('wants a field for sum, average, min and max, at operations.<i>.field', () => {
    expect(issuePaths(aggregateNode.config, { operations: [{ operation: 'count' }, { operation: 'sum' }] })).toEqual([
      ['operations', 1, 'field'],
    ]);
    for (const operation of ['average', 'min', 'max']) {
      expect(issuePaths(aggregateNode.config, { operations: [{ operation }] }), operation).toEqual([
        ['operations', 0, 'field'],
      ]);
    }
    expect(issuePaths(aggregateNode.config, { operations: [{ operation: 'collect' }] })).toEqual([]);
  });

  it('refuses unknown operations, bad paths and no operations, naming the field', () => {
    expect(issuePaths(aggregateNode.config, { operations: [{ operation: 'median', field: 'x' }] })).toEqual([
      ['operations', 0, 'operation'],
    ]);
    expect(issuePaths(aggregateNode.config, { groupBy: ['ok', 'a..b'] })).toEqual([['groupBy', 1]]);
    expect(issuePaths(aggregateNode.config, { operations: [{ operation: 'count', as: '__proto__' }] })).toEqual([
      ['operations', 0, 'as'],
    ]);
    expect(issuePaths(aggregateNode.config, { operations: [] })).toEqual([['operations']]);
  });
});

describe('aggregate without groups: one object', () => {
  it('works out every operation over the whole list, named by "as" or by operation and field', async () => {
    const output = await aggregate(
      {
        operations: [
          { operation: 'count' },
          { operation: 'count', field: 'total', as: 'withTotal' },
          { operation: 'sum', field: 'total' },
          { operation: 'average', field: 'total' },
          { operation: 'min', field: 'placedAt' },
          { operation: 'max', field: 'placedAt', as: 'last.placedAt' },
          { operation: 'collect', field: 'customer.id' },
        ],
      },
      orders,
    );
    expect(output).toEqual({
      count: 4,
      withTotal: 3,
      sum_total: 170.5,
      average_total: 170.5 / 3,
      min_placedAt: '2026-03-01',
      last: { placedAt: '2026-03-05' },
      collect_customer_id: ['c1', 'c2', 'c1', 'c3'],
    });
  });

  it('gives count and sum 0, average, min and max null, collect [] for an empty list', async () => {
    const output = await aggregate(
      {
        operations: [
          { operation: 'count' },
          { operation: 'sum', field: 'total' },
          { operation: 'average', field: 'total' },
          { operation: 'min', field: 'total' },
          { operation: 'max', field: 'total' },
          { operation: 'collect' },
        ],
      },
      [],
    );
    expect(output).toEqual({
      count: 0,
      sum_total: 0,
      average_total: null,
      min_total: null,
      max_total: null,
      collect: [],
    });
  });

  it('orders min and max as Sort does: numbers by size, also written as text', async () => {
    const output = await aggregate(
      {
        operations: [
          { operation: 'min', field: 'n' },
          { operation: 'max', field: 'n' },
        ],
      },
      [{ n: '9' }, { n: 10 }, { n: '100' }, { n: null }, {}],
    );
    expect(output).toEqual({ min_n: '9', max_n: '100' });
  });

  it('collects whole items when no field is named', async () => {
    expect(await aggregate({ operations: [{ operation: 'collect', as: 'orders' }] }, orders)).toEqual({ orders });
  });

  it('fails a sum of a value that is not a number, naming the operation, the field and the value', async () => {
    const failure = aggregate({ operations: [{ operation: 'sum', field: 'total' }] }, [{ total: 1 }, { total: 'n/a' }]);
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow(
      'config.operations.0: the sum of "total" needs numbers, but an item has a string: "n/a"',
    );
  });

  it('fails without retrying on a value that is not a list, naming the field', async () => {
    await expect(aggregate({}, { count: 3 })).rejects.toThrow(
      'config.items: expected a list, got an object: {"count":3}',
    );
  });
});

describe('aggregate with groups: one object per group', () => {
  it('groups by a field in the order groups first appear, with the group values and the results', async () => {
    const output = await aggregate(
      {
        groupBy: ['status'],
        operations: [
          { operation: 'count' },
          { operation: 'sum', field: 'total' },
          { operation: 'collect', field: 'id' },
        ],
      },
      orders,
    );
    expect(output).toEqual([
      { status: 'paid', count: 3, sum_total: 150, collect_id: [1, 3, 4] },
      { status: 'open', count: 1, sum_total: 20.5, collect_id: [2] },
    ]);
  });

  it('groups by several fields, nested ones written at their paths', async () => {
    const output = await aggregate({ groupBy: ['customer.id', 'status'] }, orders);
    expect(output).toEqual([
      { customer: { id: 'c1' }, status: 'paid', count: 2 },
      { customer: { id: 'c2' }, status: 'open', count: 1 },
      { customer: { id: 'c3' }, status: 'paid', count: 1 },
    ]);
  });

  it('puts items without a group-by field in one group with null there', async () => {
    const output = await aggregate({ groupBy: ['region'] }, [{ region: 'EU' }, {}, { region: null }, { region: 'EU' }]);
    expect(output).toEqual([
      { region: 'EU', count: 2 },
      { region: null, count: 2 },
    ]);
  });

  it('lets a result named like a group-by field replace it, keeping the rest of a nested group value', async () => {
    const output = await aggregate(
      { groupBy: ['customer.id'], operations: [{ operation: 'count', as: 'customer.orders' }] },
      orders.slice(0, 2),
    );
    expect(output).toEqual([{ customer: { id: 'c1', orders: 1 } }, { customer: { id: 'c2', orders: 1 } }]);
    const replaced = await aggregate(
      { groupBy: ['status'], operations: [{ operation: 'count', as: 'status' }] },
      orders,
    );
    expect(replaced).toEqual([{ status: 3 }, { status: 1 }]);
  });

  it('gives an empty list of groups for an empty list', async () => {
    expect(await aggregate({ groupBy: ['status'] }, [])).toEqual([]);
  });
});
