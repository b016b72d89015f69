import { describe, expect, it } from 'vitest';
import { answeringTemplates, issuePaths, packSdk, testContext } from '../../server/testing/node-packs.ts';
import textCaseNode, { changeCase } from './text-case.node.ts';

const textCase = textCaseNode(packSdk);

/** Runs the node with the template `{{ input.name }}` answered by `name`, as the sandbox would. */
const run = (config: Record<string, unknown>, name: unknown, input: unknown = { id: 7 }) =>
  textCase.execute({
    config: textCase.config.parse({ text: '{{ input.name }}', ...config }),
    input,
    ctx: testContext(answeringTemplates({ '{{ input.name }}': name })),
  });

describe('Text case', () => {
  it('writes each case', () => {
    const text = 'the quick-brown fox’s orderID 42';
    expect(changeCase(text, 'upper')).toBe('THE QUICK-BROWN FOX’S ORDERID 42');
    expect(changeCase(text, 'lower')).toBe('the quick-brown fox’s orderid 42');
    expect(changeCase(text, 'title')).toBe('The Quick-Brown Fox’s Orderid 42');
    expect(changeCase('ÉLAN vital. second one', 'sentence')).toBe('Élan vital. second one');
    expect(changeCase(text, 'camel')).toBe('theQuickBrownFoxSOrderId42');
    expect(changeCase('Order ID', 'snake')).toBe('order_id');
    expect(changeCase('customerEmail address', 'kebab')).toBe('customer-email-address');
    expect(changeCase('', 'title')).toBe('');
  });

  it('writes the result into a copy of the input at its field', async () => {
    const input = { id: 7, customer: { name: 'ada lovelace' } };
    const result = await run({ case: 'title', field: 'customer.display' }, 'ada lovelace', input);
    expect(result.output).toEqual({ id: 7, customer: { name: 'ada lovelace', display: 'Ada Lovelace' } });
    expect(input.customer).toEqual({ name: 'ada lovelace' });
    expect((await run({}, 'grace hopper')).output).toEqual({ id: 7, text: 'Grace Hopper' });
  });

  it('changes a number as its text, and fails at once on a list or object', async () => {
    expect((await run({ case: 'upper' }, 42)).output).toEqual({ id: 7, text: '42' });
    await expect(run({}, ['a'])).rejects.toThrow(packSdk.NonRetryableError);
    await expect(run({}, { a: 1 })).rejects.toThrow('text: an object is not a text');
  });

  it('fills defaults, and refuses an unknown case or a bad field naming it', () => {
    expect(textCase.config.parse({ text: '{{ input.name }}' })).toEqual({
      text: '{{ input.name }}',
      case: 'title',
      field: 'text',
    });
    expect(issuePaths(textCase.config, { text: 'x', case: 'shouting' })).toEqual([['case']]);
    expect(issuePaths(textCase.config, { text: 'x', field: '__proto__.x' })).toEqual([['field']]);
    expect(issuePaths(textCase.config, { text: '{{ input.name' })).toEqual([['text']]);
  });
});
