import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import limitNode from './limit.node.ts';

async function limit(config: Record<string, unknown>, items: unknown) {
  const { evaluate } = answeringTemplates({ '{{ input }}': items });
  return (
    await limitNode.execute({ config: limitNode.config.parse(config), input: items, ctx: testContext({ evaluate }) })
  ).output;
}

const numbers = [1, 2, 3, 4, 5];

describe('limit node config', () => {
  it('keeps the first 10 items of the input by default', () => {
    expect(limitNode.config.parse({})).toEqual({ items: '{{ input }}', count: 10, keep: 'first' });
  });

  it('refuses negative or fractional counts, naming the field', () => {
    expect(issuePaths(limitNode.config, { count: -1 })).toEqual([['count']]);
    expect(issuePaths(limitNode.config, { count: 1.5 })).toEqual([['count']]);
    expect(issuePaths(limitNode.config, { keep: 'middle' })).toEqual([['keep']]);
  });
});

describe('limit node', () => {
  it('keeps the first N items, or the last N, in their order', async () => {
    expect(await limit({ count: 2 }, numbers)).toEqual([1, 2]);
    expect(await limit({ count: 2, keep: 'last' }, numbers)).toEqual([4, 5]);
  });

  it('passes a shorter list on whole, and gives an empty list for a count of 0', async () => {
    expect(await limit({ count: 10 }, numbers)).toEqual(numbers);
    expect(await limit({ count: 10, keep: 'last' }, numbers)).toEqual(numbers);
    expect(await limit({ count: 0 }, numbers)).toEqual([]);
    expect(await limit({ count: 0, keep: 'last' }, numbers)).toEqual([]);
    expect(await limit({}, [])).toEqual([]);
  });

  it('fails without retrying on a value that is not a list, naming the field', async () => {
    const failure = limit({}, 42);
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow('config.items: expected a list, got a number: 42');
  });
});
