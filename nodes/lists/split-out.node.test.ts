import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import splitOutNode from './split-out.node.ts';

async function splitOut(config: Record<string, unknown>, source: unknown) {
  const { evaluate } = answeringTemplates({ '{{ input }}': source });
  return (
    await splitOutNode.execute({
      config: splitOutNode.config.parse(config),
      input: source,
      ctx: testContext({ evaluate }),
    })
  ).output;
}

const order = {
  id: 7,
  customer: 'Ada',
  lines: [
    { sku: 'A', qty: 1 },
    { sku: 'B', qty: 2 },
  ],
};

describe('split out config', () => {
  it('splits the input’s "items" into the elements alone by default', () => {
    expect(splitOutNode.config.parse({})).toEqual({ source: '{{ input }}', field: 'items', keepParentFields: false });
  });

  it('refuses bad paths, naming the field', () => {
    expect(issuePaths(splitOutNode.config, { field: 'a..b' })).toEqual([['field']]);
    expect(issuePaths(splitOutNode.config, { into: 'constructor' })).toEqual([['into']]);
  });
});

describe('split out', () => {
  it('gives the elements of the list field, in order', async () => {
    expect(await splitOut({ field: 'lines' }, order)).toEqual(order.lines);
    expect(await splitOut({ field: 'tags' }, { tags: ['a', 'b'] })).toEqual(['a', 'b']);
  });

  it('reads a nested list field', async () => {
    expect(await splitOut({ field: 'order.lines' }, { order })).toEqual(order.lines);
  });

  it('keeps the parent’s other fields on each object element, the element’s fields winning', async () => {
    const parent = { id: 7, sku: 'parent', lines: [{ sku: 'A' }, { sku: 'B', id: 99 }] };
    expect(await splitOut({ field: 'lines', keepParentFields: true }, parent)).toEqual([
      { id: 7, sku: 'A' },
      { id: 99, sku: 'B' },
    ]);
  });

  it('puts other elements in the list’s place when keeping the parent’s fields, nested too', async () => {
    expect(await splitOut({ field: 'tags', keepParentFields: true }, { id: 7, tags: ['a', 'b'] })).toEqual([
      { id: 7, tags: 'a' },
      { id: 7, tags: 'b' },
    ]);
    const nested = { id: 7, meta: { source: 'web', tags: ['a'] } };
    expect(await splitOut({ field: 'meta.tags', keepParentFields: true }, nested)).toEqual([
      { id: 7, meta: { source: 'web', tags: 'a' } },
    ]);
  });

  it('puts each element in the "into" field when one is named, beside the parent’s fields if kept', async () => {
    expect(await splitOut({ field: 'lines', into: 'line' }, order)).toEqual([
      { line: { sku: 'A', qty: 1 } },
      { line: { sku: 'B', qty: 2 } },
    ]);
    expect(await splitOut({ field: 'lines', into: 'line', keepParentFields: true }, order)).toEqual([
      { id: 7, customer: 'Ada', line: { sku: 'A', qty: 1 } },
      { id: 7, customer: 'Ada', line: { sku: 'B', qty: 2 } },
    ]);
  });

  it('splits every parent of a list of them, one after the other', async () => {
    const orders = [
      { id: 1, lines: [{ sku: 'A' }, { sku: 'B' }] },
      { id: 2, lines: [] },
      { id: 3 },
      { id: 4, lines: null },
      { id: 5, lines: [{ sku: 'C' }] },
    ];
    expect(await splitOut({ field: 'lines', keepParentFields: true }, orders)).toEqual([
      { id: 1, sku: 'A' },
      { id: 1, sku: 'B' },
      { id: 5, sku: 'C' },
    ]);
    expect(await splitOut({ field: 'lines' }, [])).toEqual([]);
  });

  it('does not change the parent it was given', async () => {
    const parent = structuredClone(order);
    await splitOut({ field: 'lines', keepParentFields: true }, parent);
    expect(parent).toEqual(order);
  });

  it('fails without retrying when the field holds something other than a list, naming it', async () => {
    const failure = splitOut({ field: 'lines' }, { lines: { sku: 'A' } });
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow('config.field: "lines" should hold a list, but holds an object: {"sku":"A"}');
  });

  it('fails without retrying when the source is not an object or a list of objects, naming it', async () => {
    await expect(splitOut({}, 'text')).rejects.toThrow(
      'config.source: expected an object (or a list of objects), got a string: "text"',
    );
    await expect(splitOut({}, [{ items: [] }, 3])).rejects.toThrow(
      'config.source: expected an object (or a list of objects), item 1 of the list is a number: 3',
    );
  });
});
