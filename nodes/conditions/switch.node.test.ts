import { describe, expect, it } from 'vitest';
import { portsOf } from '../../server/core/graph/ports.ts';
import { issuePaths, testContext } from '../testing/context.ts';
import switchNode, { DEFAULT_PORT } from './switch.node.ts';

const run = (config: unknown, input: unknown = { id: 1 }) =>
  switchNode.execute({ config: switchNode.config.parse(config), input, ctx: testContext() });

const byCountry = (value: string) => ({
  value,
  cases: [
    { port: 'france', value: 'FR' },
    { port: 'europe', operator: 'contains', value: 'E' },
    { port: 'eurozone', value: 'DE' },
  ],
});

describe('switch node config', () => {
  it('fills operator "equals" in each case', () => {
    expect(switchNode.config.parse({ value: 'x', cases: [{ port: 'a', value: 'x' }] })).toEqual({
      value: 'x',
      cases: [{ port: 'a', operator: 'equals', value: 'x' }],
    });
  });

  it('refuses a port used twice, naming the second', () => {
    expect(
      issuePaths(switchNode.config, {
        value: 'x',
        cases: [
          { port: 'a', value: '1' },
          { port: 'b', value: '2' },
          { port: 'a', value: '3' },
        ],
      }),
    ).toEqual([['cases', 2, 'port']]);
  });

  it('refuses a case port named "default"', () => {
    expect(issuePaths(switchNode.config, { value: 'x', cases: [{ port: DEFAULT_PORT, value: '1' }] })).toEqual([
      ['cases', 0, 'port'],
    ]);
  });

  it('refuses port names with other characters, and empty ones', () => {
    expect(issuePaths(switchNode.config, { value: 'x', cases: [{ port: 'a/b', value: '1' }] })).toEqual([
      ['cases', 0, 'port'],
    ]);
    // An empty name breaks both the length and the character rule; both issues point at the port.
    expect(issuePaths(switchNode.config, { value: 'x', cases: [{ port: '', value: '1' }] })).toEqual([
      ['cases', 0, 'port'],
      ['cases', 0, 'port'],
    ]);
    expect(issuePaths(switchNode.config, { value: 'x', cases: [{ port: 'Big deal_2-b', value: '1' }] })).toEqual([]);
    for (const blank of [' ', ' lead', 'trail ', 'two  spaces']) {
      expect(issuePaths(switchNode.config, { value: 'x', cases: [{ port: blank, value: '1' }] }), blank).toEqual([
        ['cases', 0, 'port'],
      ]);
    }
  });

  it('wants a value for binary operators but not for unary ones', () => {
    expect(issuePaths(switchNode.config, { value: 'x', cases: [{ port: 'a' }] })).toEqual([['cases', 0, 'value']]);
    expect(issuePaths(switchNode.config, { value: 'x', cases: [{ port: 'a', operator: 'isEmpty' }] })).toEqual([]);
  });

  it('needs at least one case and a well-formed value template', () => {
    expect(issuePaths(switchNode.config, { value: 'x', cases: [] })).toEqual([['cases']]);
    expect(issuePaths(switchNode.config, { value: '{{}}', cases: [{ port: 'a', value: '1' }] })).toEqual([['value']]);
  });
});

describe('switch node outputs', () => {
  // Declared as data (outputsFrom), read by the same portsOf the engine and the editor use.
  it('are the case ports in order, then "default"', () => {
    const config = switchNode.config.parse(byCountry('FR'));
    expect(portsOf(switchNode, config)).toEqual(['france', 'europe', 'eurozone', 'default']);
  });
});

describe('switch node execute', () => {
  it('goes to the first case that matches', async () => {
    expect((await run(byCountry('FR'))).port).toBe('france');
    // "DE" matches "europe" (contains "E") before "eurozone" (equals "DE").
    expect((await run(byCountry('DE'))).port).toBe('europe');
  });

  it('goes to "default" when no case matches', async () => {
    expect((await run(byCountry('us'))).port).toBe('default');
  });

  it('compares loosely and runs unary cases without a value', async () => {
    const config = (value: string) => ({
      value,
      cases: [
        { port: 'big', operator: 'greaterThan', value: '9' },
        { port: 'blank', operator: 'isEmpty' },
      ],
    });
    expect((await run(config('10'))).port).toBe('big');
    expect((await run(config(''))).port).toBe('blank');
    expect((await run(config('1'))).port).toBe('default');
  });

  it('passes its input on unchanged', async () => {
    const input = { country: 'FR' };
    expect((await run(byCountry('FR'), input)).output).toBe(input);
    expect((await run(byCountry('JP'), input)).output).toBe(input);
  });
});
