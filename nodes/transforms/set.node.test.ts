import { describe, expect, it } from 'vitest';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import setNode from './set.node.ts';

const run = (config: unknown, input: unknown) =>
  setNode.execute({ config: setNode.config.parse(config), input, ctx: testContext() });

describe('set node config', () => {
  it('defaults to no fields, keeping the input', () => {
    expect(setNode.config.parse({})).toEqual({ fields: [], keepInput: true });
  });

  it('refuses prototype paths and malformed paths, naming the field', () => {
    expect(issuePaths(setNode.config, { fields: [{ path: '__proto__.x', value: '1' }] })).toEqual([
      ['fields', 0, 'path'],
    ]);
    expect(
      issuePaths(setNode.config, {
        fields: [
          { path: 'ok', value: '1' },
          { path: 'a..b', value: '1' },
        ],
      }),
    ).toEqual([['fields', 1, 'path']]);
  });

  it('refuses malformed value templates', () => {
    expect(issuePaths(setNode.config, { fields: [{ path: 'a', value: '{{ input.a' }] })).toEqual([
      ['fields', 0, 'value'],
    ]);
  });
});

describe('set node execute', () => {
  it('with keepInput, writes the fields on top of the input', async () => {
    const result = await run({ fields: [{ path: 'status', value: 'paid' }] }, { id: 7, status: 'open' });
    expect(result.output).toEqual({ id: 7, status: 'paid' });
  });

  it('without keepInput, starts from an empty object', async () => {
    const result = await run({ keepInput: false, fields: [{ path: 'status', value: 'paid' }] }, { id: 7 });
    expect(result.output).toEqual({ status: 'paid' });
  });

  it('writes nested paths, keeping siblings, in field order', async () => {
    const result = await run(
      {
        fields: [
          { path: 'customer.address.city', value: 'Lyon' },
          { path: 'customer.tier', value: 'gold' },
          { path: 'customer.tier', value: 'platinum' },
        ],
      },
      { customer: { name: 'Ada' } },
    );
    expect(result.output).toEqual({ customer: { name: 'Ada', address: { city: 'Lyon' }, tier: 'platinum' } });
  });

  it('does not change the input object it was given', async () => {
    const input = { customer: { name: 'Ada' } };
    await run({ fields: [{ path: 'customer.name', value: 'Grace' }] }, input);
    expect(input).toEqual({ customer: { name: 'Ada' } });
  });

  it('starts from an empty object when the input is not an object', async () => {
    expect((await run({ fields: [{ path: 'a', value: '1' }] }, ['x'])).output).toEqual({ a: '1' });
    expect((await run({}, 'text')).output).toEqual({});
  });

  it('writes what each value evaluates to, whatever its type', async () => {
    const { evaluate, asked } = answeringTemplates({ '{{ input.a }}': { nested: [1, 2] }, '{{ input.n }}': 7 });
    const config = setNode.config.parse({
      fields: [
        { path: 'a', value: '{{ input.a }}' },
        { path: 'n', value: '{{ input.n }}' },
        { path: 'plain', value: 'text' },
      ],
    });
    const result = await setNode.execute({ config, input: {}, ctx: testContext({ evaluate }) });
    expect(result.output).toEqual({ a: { nested: [1, 2] }, n: 7, plain: 'text' });
    expect(asked).toEqual(['{{ input.a }}', '{{ input.n }}', 'text']);
  });
});
