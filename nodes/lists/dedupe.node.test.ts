import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import dedupeNode from './dedupe.node.ts';

async function dedupe(fields: string[] | undefined, items: unknown) {
  const { evaluate } = answeringTemplates({ '{{ input }}': items });
  const config = dedupeNode.config.parse(fields === undefined ? {} : { fields });
  return (await dedupeNode.execute({ config, input: items, ctx: testContext({ evaluate }) })).output;
}

describe('remove duplicates config', () => {
  it('reads the input and compares whole items by default', () => {
    expect(dedupeNode.config.parse({})).toEqual({ items: '{{ input }}', fields: [] });
  });

  it('refuses bad field paths, naming the one', () => {
    expect(issuePaths(dedupeNode.config, { fields: ['email', 'a..b'] })).toEqual([['fields', 1]]);
  });
});

describe('remove duplicates', () => {
  it('keeps the first of the items equal in the listed fields, in its place', async () => {
    const contacts = [
      { id: 1, email: 'ada@example.com' },
      { id: 2, email: 'grace@example.com' },
      { id: 3, email: 'ada@example.com' },
      { id: 4, email: 'alan@example.com' },
      { id: 5, email: 'grace@example.com' },
    ];
    expect(await dedupe(['email'], contacts)).toEqual([contacts[0], contacts[1], contacts[3]]);
  });

  it('needs every listed field equal, nested ones too', async () => {
    const rows = [
      { id: 1, customer: { id: 7 }, sku: 'A' },
      { id: 2, customer: { id: 7 }, sku: 'B' },
      { id: 3, customer: { id: 8 }, sku: 'A' },
      { id: 4, customer: { id: 7 }, sku: 'A' },
    ];
    expect(await dedupe(['customer.id', 'sku'], rows)).toEqual(rows.slice(0, 3));
  });

  it('with no fields, removes items equal as a whole, whatever the order of their keys', async () => {
    const rows = [{ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }, { a: 1, b: { c: 2 } }, 'x', 'x', 5, '5'];
    expect(await dedupe(undefined, rows)).toEqual([rows[0], rows[2], 'x', 5, '5']);
  });

  it('tells values apart by type and case: 5 and "5", "Ada" and "ada"', async () => {
    const rows = [{ v: 5 }, { v: '5' }, { v: 'Ada' }, { v: 'ada' }, { v: 5 }];
    expect(await dedupe(['v'], rows)).toEqual(rows.slice(0, 4));
  });

  it('counts a missing field as null: items missing it are the same as each other', async () => {
    const rows = [{ id: 1 }, { id: 2, email: null }, { id: 3, email: 'a@example.com' }, { id: 4 }];
    expect(await dedupe(['email'], rows)).toEqual([rows[0], rows[2]]);
  });

  it('gives an empty list for an empty list', async () => {
    expect(await dedupe(['email'], [])).toEqual([]);
  });

  it('fails without retrying on a value that is not a list, naming the field', async () => {
    const failure = dedupe([], 'ada@example.com');
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow('config.items: expected a list, got a string: "ada@example.com"');
  });
});
