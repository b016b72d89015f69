import { describe, expect, it } from 'vitest';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import ifNode from './if.node.ts';

const run = (config: unknown, input: unknown = { id: 1 }) =>
  ifNode.execute({ config: ifNode.config.parse(config), input, ctx: testContext() });

const holds = { left: '5', operator: 'equals', right: '5' } as const;
const fails = { left: '5', operator: 'equals', right: '6' } as const;

describe('if node config', () => {
  it('fills combine "all" and operator "equals"', () => {
    expect(ifNode.config.parse({ rules: [{ left: 'a', right: 'b' }] })).toEqual({
      combine: 'all',
      rules: [{ left: 'a', operator: 'equals', right: 'b' }],
    });
  });

  it('wants a right-hand value for binary operators, at rules.<i>.right', () => {
    expect(issuePaths(ifNode.config, { rules: [{ left: 'a', operator: 'equals' }] })).toEqual([['rules', 0, 'right']]);
    expect(issuePaths(ifNode.config, { rules: [holds, { left: 'a', operator: 'greaterThan' }] })).toEqual([
      ['rules', 1, 'right'],
    ]);
  });

  it('needs no right-hand value for unary operators', () => {
    expect(issuePaths(ifNode.config, { rules: [{ left: 'a', operator: 'isEmpty' }] })).toEqual([]);
  });

  it('refuses empty rule lists, unknown operators, bad templates and unknown keys', () => {
    expect(issuePaths(ifNode.config, { rules: [] })).toEqual([['rules']]);
    expect(issuePaths(ifNode.config, { rules: [{ left: 'a', operator: 'matches', right: 'b' }] })).toEqual([
      ['rules', 0, 'operator'],
    ]);
    expect(issuePaths(ifNode.config, { rules: [{ left: '{{ input.a', right: 'b' }] })).toEqual([['rules', 0, 'left']]);
    expect(issuePaths(ifNode.config, { rules: [holds], extra: true })).toEqual([[]]);
    expect(issuePaths(ifNode.config, { combine: 'most', rules: [holds] })).toEqual([['combine']]);
  });

  it('has the outputs "true" and "false"', () => {
    expect(ifNode.outputs).toEqual(['true', 'false']);
  });
});

describe('if node execute', () => {
  it('with "all", goes to "true" only when every rule holds', async () => {
    expect((await run({ combine: 'all', rules: [holds, holds] })).port).toBe('true');
    expect((await run({ combine: 'all', rules: [holds, fails] })).port).toBe('false');
    expect((await run({ combine: 'all', rules: [fails, holds] })).port).toBe('false');
  });

  it('with "any", goes to "true" when at least one rule holds', async () => {
    expect((await run({ combine: 'any', rules: [fails, holds] })).port).toBe('true');
    expect((await run({ combine: 'any', rules: [holds, fails] })).port).toBe('true');
    expect((await run({ combine: 'any', rules: [fails, fails] })).port).toBe('false');
  });

  it('compares loosely: numeric strings order as numbers', async () => {
    expect((await run({ rules: [{ left: '10', operator: 'greaterThan', right: '9' }] })).port).toBe('true');
    expect((await run({ rules: [{ left: 'true', operator: 'isTrue' }] })).port).toBe('true');
    // An empty value is what an expression evaluates to (a rule's left side itself may not be left empty).
    const empty = answeringTemplates({ '{{ input.note }}': '' });
    const config = ifNode.config.parse({ rules: [{ left: '{{ input.note }}', operator: 'isNotEmpty' }] });
    expect((await ifNode.execute({ config, input: {}, ctx: testContext({ evaluate: empty.evaluate }) })).port).toBe(
      'false',
    );
  });

  it('refuses a rule whose left side is left empty', () => {
    expect(issuePaths(ifNode.config, { rules: [{ left: '', operator: 'isNotEmpty' }] })).toEqual([
      ['rules', 0, 'left'],
    ]);
  });

  it('passes its input on unchanged, whichever the port', async () => {
    const input = { order: { id: 7 } };
    expect((await run({ rules: [holds] }, input)).output).toBe(input);
    expect((await run({ rules: [fails] }, input)).output).toBe(input);
  });

  it('compares what the rule sides evaluate to, not their template text', async () => {
    const config = ifNode.config.parse({ rules: [{ left: '{{ input.total }}', right: '{{ input.limit }}' }] });
    const port = async (total: unknown, limit: unknown) => {
      const { evaluate, asked } = answeringTemplates({ '{{ input.total }}': total, '{{ input.limit }}': limit });
      const result = await ifNode.execute({ config, input: {}, ctx: testContext({ evaluate }) });
      expect(asked).toEqual(['{{ input.total }}', '{{ input.limit }}']);
      return result.port;
    };
    expect(await port(5, 5)).toBe('true');
    expect(await port(5, 6)).toBe('false');
  });
});
