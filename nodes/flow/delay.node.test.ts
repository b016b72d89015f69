import { describe, expect, it } from 'vitest';
import { issuePaths, testContext } from '../testing/context.ts';
import delayNode from './delay.node.ts';

const now = new Date('2025-01-31T12:00:00.000Z');
const run = (config: unknown, input: unknown = { id: 1 }) =>
  delayNode.execute({ config: delayNode.config.parse(config), input, ctx: testContext({ now: () => now }) });

describe('delay node config', () => {
  it('counts in minutes by default', () => {
    expect(delayNode.config.parse({ amount: 5 })).toEqual({ amount: 5, unit: 'minutes' });
  });

  it('allows up to 30 days in any unit and refuses more, at amount', () => {
    expect(issuePaths(delayNode.config, { amount: 30, unit: 'days' })).toEqual([]);
    expect(issuePaths(delayNode.config, { amount: 720, unit: 'hours' })).toEqual([]);
    expect(issuePaths(delayNode.config, { amount: 43_200 })).toEqual([]);
    expect(issuePaths(delayNode.config, { amount: 31, unit: 'days' })).toEqual([['amount']]);
    expect(issuePaths(delayNode.config, { amount: 721, unit: 'hours' })).toEqual([['amount']]);
    expect(issuePaths(delayNode.config, { amount: 2_592_001, unit: 'seconds' })).toEqual([['amount']]);
  });

  it('wants a positive whole amount and a known unit', () => {
    expect(issuePaths(delayNode.config, { amount: 0 })).toEqual([['amount']]);
    expect(issuePaths(delayNode.config, { amount: 1.5 })).toEqual([['amount']]);
    expect(issuePaths(delayNode.config, {})).toEqual([['amount']]);
    expect(issuePaths(delayNode.config, { amount: 1, unit: 'weeks' })).toEqual([['unit']]);
  });
});

describe('delay node execute', () => {
  it('schedules the next step amount × unit after ctx.now, and passes the input on', async () => {
    const input = { id: 1 };
    const result = await run({ amount: 90, unit: 'seconds' }, input);
    expect(result.output).toBe(input);
    expect(result.continueAt?.toISOString()).toBe('2025-01-31T12:01:30.000Z');
  });

  it('converts each unit', async () => {
    expect((await run({ amount: 15 })).continueAt?.toISOString()).toBe('2025-01-31T12:15:00.000Z');
    expect((await run({ amount: 3, unit: 'hours' })).continueAt?.toISOString()).toBe('2025-01-31T15:00:00.000Z');
    expect((await run({ amount: 30, unit: 'days' })).continueAt?.toISOString()).toBe('2025-03-02T12:00:00.000Z');
  });
});
