import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import filterNode from './filter.node.ts';

const orders = [
  { id: 1, status: 'paid', total: '120', customer: { email: 'ada@example.com' }, tags: ['vip'] },
  { id: 2, status: 'open', total: 40, customer: { email: '' } },
  { id: 3, status: 'paid', total: 15, customer: {}, tags: [] },
  { id: 4, status: 'PAID', total: 300 },
];

/** Runs the node on `items` as what `{{ input }}` evaluates to, with more template answers if given. */
async function filter(config: Record<string, unknown>, items: unknown = orders, answers: Record<string, unknown> = {}) {
  const { evaluate, asked } = answeringTemplates({ '{{ input }}': items, ...answers });
  const result = await filterNode.execute({
    config: filterNode.config.parse(config),
    input: items,
    ctx: testContext({ evaluate }),
  });
  return { output: result.output, asked };
}
const ids = async (config: Record<string, unknown>, items: unknown = orders) =>
  ((await filter(config, items)).output as { id: number }[]).map((item) => item.id);

describe('filter node config', () => {
  it('reads the input, combines with "all" and compares with "equals" by default', () => {
    expect(filterNode.config.parse({ rules: [{ field: 'status', value: 'paid' }] })).toEqual({
      items: '{{ input }}',
      combine: 'all',
      rules: [{ field: 'status', operator: 'equals', value: 'paid' }],
    });
  });

  it('wants a value for operators that compare, as the If node does, at rules.<i>.value', () => {
    expect(issuePaths(filterNode.config, { rules: [{ field: 'total', operator: 'greaterThan' }] })).toEqual([
      ['rules', 0, 'value'],
    ]);
    expect(issuePaths(filterNode.config, { rules: [{ field: 'total', operator: 'isEmpty' }] })).toEqual([]);
  });

  it('refuses no rules, bad field paths, unknown operators and bad templates, naming the field', () => {
    expect(issuePaths(filterNode.config, { rules: [] })).toEqual([['rules']]);
    expect(issuePaths(filterNode.config, { rules: [{ field: '__proto__', value: 'x' }] })).toEqual([
      ['rules', 0, 'field'],
    ]);
    expect(issuePaths(filterNode.config, { rules: [{ field: 'a', operator: 'matches', value: 'x' }] })).toEqual([
      ['rules', 0, 'operator'],
    ]);
    expect(issuePaths(filterNode.config, { rules: [{ field: 'a', value: '{{ input.' }] })).toEqual([
      ['rules', 0, 'value'],
    ]);
  });
});

describe('filter node', () => {
  it('keeps the items whose field passes, in their order', async () => {
    expect(await ids({ rules: [{ field: 'status', value: 'paid' }] })).toEqual([1, 3]);
  });

  it('compares as the If node does: numbers written as text by size', async () => {
    expect(await ids({ rules: [{ field: 'total', operator: 'greaterThan', value: '100' }] })).toEqual([1, 4]);
    expect(await ids({ rules: [{ field: 'total', operator: 'lessThanOrEqual', value: '40' }] })).toEqual([2, 3]);
  });

  it('reads nested fields; a missing one is not there for "exists" and empty for "is empty"', async () => {
    expect(await ids({ rules: [{ field: 'customer.email', operator: 'isNotEmpty' }] })).toEqual([1]);
    expect(await ids({ rules: [{ field: 'customer.email', operator: 'isEmpty' }] })).toEqual([2, 3, 4]);
    expect(await ids({ rules: [{ field: 'customer.email', operator: 'exists' }] })).toEqual([1, 2]);
    expect(await ids({ rules: [{ field: 'tags', operator: 'contains', value: 'vip' }] })).toEqual([1]);
  });

  it('keeps an item when all rules hold, or when any one does', async () => {
    const rules = [
      { field: 'status', value: 'paid' },
      { field: 'total', operator: 'greaterThan', value: '100' },
    ];
    expect(await ids({ rules })).toEqual([1]);
    expect(await ids({ combine: 'any', rules })).toEqual([1, 3, 4]);
  });

  it('evaluates the values once for the step, all in one call, and compares each item with them', async () => {
    const { output, asked } = await filter(
      { rules: [{ field: 'total', operator: 'greaterThanOrEqual', value: '{{ steps.Settings.output.min }}' }] },
      orders,
      { '{{ steps.Settings.output.min }}': 40 },
    );
    expect((output as { id: number }[]).map((item) => item.id)).toEqual([1, 2, 4]);
    expect(asked).toEqual(['{{ input }}', ['{{ steps.Settings.output.min }}']]);
  });

  it('drops items that are not objects when a rule reads a field, and filters an empty list to []', async () => {
    expect(await filter({ rules: [{ field: 'status', operator: 'exists' }] }, ['text', null, { status: 1 }])).toEqual(
      expect.objectContaining({ output: [{ status: 1 }] }),
    );
    expect((await filter({ rules: [{ field: 'status', value: 'paid' }] }, [])).output).toEqual([]);
  });

  it('fails without retrying on a value that is not a list, naming the field and what it got', async () => {
    const failure = filter({ rules: [{ field: 'status', value: 'paid' }] }, { orders });
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow(/^config\.items: expected a list, got an object: \{"orders":/);
  });
});
