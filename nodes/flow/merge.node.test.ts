import { describe, expect, it } from 'vitest';
import { issuePaths, testContext } from '../testing/context.ts';
import mergeNode from './merge.node.ts';

const run = (config: unknown, input: unknown) =>
  mergeNode.execute({ config: mergeNode.config.parse(config), input, ctx: testContext() });

describe('merge node', () => {
  it('defaults to byName, accepts many inputs and refuses unknown modes', () => {
    expect(mergeNode.config.parse({})).toEqual({ mode: 'byName' });
    expect(mergeNode.acceptsManyInputs).toBe(true);
    expect(issuePaths(mergeNode.config, { mode: 'zip' })).toEqual([['mode']]);
  });

  it('byName outputs the branches keyed by node name', async () => {
    const input = { 'Fetch order': { id: 1 }, 'Fetch customer': { name: 'Ada' } };
    expect((await run({ mode: 'byName' }, input)).output).toEqual(input);
  });

  it('list outputs the branch outputs in arrival order', async () => {
    const input = { 'Fetch order': { id: 1 }, 'Fetch customer': { name: 'Ada' } };
    expect((await run({ mode: 'list' }, input)).output).toEqual([{ id: 1 }, { name: 'Ada' }]);
  });

  it('treats a non-object input as no branches', async () => {
    expect((await run({ mode: 'byName' }, null)).output).toEqual({});
    expect((await run({ mode: 'list' }, ['a'])).output).toEqual([]);
  });
});
