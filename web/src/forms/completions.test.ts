import { describe, expect, it } from 'vitest';
import { type ExpressionScope, expressionPaths, sameCompletions } from './completions.ts';

describe('sameCompletions', () => {
  const output = { customer: { email: 'ada@example.com' } };
  const trigger = { email: 'ada@example.com' };
  const scope: ExpressionScope = { upstream: ['Lookup'], outputs: { Lookup: output }, trigger };

  it('holds for a scope rebuilt around the same run data (an edit elsewhere in the graph)', () => {
    expect(sameCompletions(scope, { upstream: ['Lookup'], outputs: { Lookup: output }, trigger })).toBe(true);
  });

  it('fails once other run data arrives, or the steps before the node change', () => {
    expect(sameCompletions({ upstream: ['Lookup'], outputs: {} }, scope)).toBe(false);
    expect(sameCompletions(scope, { ...scope, outputs: { Lookup: { ...output } } })).toBe(false);
    expect(sameCompletions(scope, { ...scope, trigger: { ...trigger } })).toBe(false);
    expect(sameCompletions(scope, { ...scope, upstream: ['Lookup', 'Start'] })).toBe(false);
  });
});

describe('expressionPaths', () => {
  it('lists steps by name, quoting names that are not identifiers, with the paths inside their output', () => {
    const paths = expressionPaths({ upstream: ['Find customer', 'Start'], outputs: { 'Find customer': { id: 7 } } });
    expect([...paths.keys()]).toEqual([
      'input',
      'trigger',
      'steps["Find customer"].output',
      'steps["Find customer"].output.id',
      'steps.Start.output',
    ]);
  });
});
