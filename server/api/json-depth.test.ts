import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('JSON depth scan', () => {
  it('counts objects and arrays inside each other, up to the limit', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 4)).toBe(false);
    // Siblings do not add up.
    expect(nestsDeeperThan(`[${Array.from({ length: 1000 }, () => '[1]').join(',')}]`, 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(JSON.stringify({ text: '['.repeat(10_000) }))).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ text: '\\"[[[[\\' }), 1)).toBe(false);
    expect(nestsDeeperThan(`["\\"", ${nested(5)}]`, 5)).toBe(true);
  });

  it('scans 100,000 levels without recursion (a stack would overflow), and a long flat array', () => {
    // How long such scans take is a figure of `npm run bench store`.
    expect(nestsDeeperThan(nested(100_000, '{"a":', '}'))).toBe(true);
    expect(nestsDeeperThan(nested(100_000, '{"a":', '}'), 100_000)).toBe(false);
    expect(nestsDeeperThan(`[${'1,'.repeat(1_000_000)}1]`)).toBe(false);
  });
});
