import { describe, expect, it } from 'vitest';
import { issuePaths, testContext } from '../testing/context.ts';
import scriptNode from './script.node.ts';

describe('script node config', () => {
  it('fills a 1 s timeout and 64 MB of memory', () => {
    expect(scriptNode.config.parse({ code: 'return 1' })).toEqual({ code: 'return 1', timeoutMs: 1000, memoryMb: 64 });
  });

  it('refuses empty code and limits out of range', () => {
    expect(issuePaths(scriptNode.config, { code: '' })).toEqual([['code']]);
    expect(issuePaths(scriptNode.config, { code: 'x', timeoutMs: 5 })).toEqual([['timeoutMs']]);
    expect(issuePaths(scriptNode.config, { code: 'x', timeoutMs: 30_001 })).toEqual([['timeoutMs']]);
    expect(issuePaths(scriptNode.config, { code: 'x', memoryMb: 257 })).toEqual([['memoryMb']]);
    expect(issuePaths(scriptNode.config, { code: 'x', memoryMb: 4 })).toEqual([['memoryMb']]);
    expect(issuePaths(scriptNode.config, { code: 'x', memoryMb: 64.5 })).toEqual([['memoryMb']]);
  });
});

describe('script node execute', () => {
  it('hands the code and its limits to the sandbox and outputs what it returns', async () => {
    const calls: unknown[] = [];
    const ctx = testContext({
      runScript: async (code, limits) => {
        calls.push({ code, limits });
        return { total: 42 };
      },
    });
    const config = scriptNode.config.parse({ code: 'return { total: 42 }', timeoutMs: 250, memoryMb: 32 });
    const result = await scriptNode.execute({ config, input: { a: 1 }, ctx });
    expect(calls).toEqual([{ code: 'return { total: 42 }', limits: { timeoutMs: 250, memoryMb: 32 } }]);
    expect(result).toEqual({ output: { total: 42 } });
  });

  it('lets sandbox failures through as they are', async () => {
    const failure = new Error('script failed: TypeError: x is not a function');
    const ctx = testContext({
      runScript: async () => {
        throw failure;
      },
    });
    const config = scriptNode.config.parse({ code: 'return x()' });
    await expect(scriptNode.execute({ config, input: {}, ctx })).rejects.toBe(failure);
  });
});
