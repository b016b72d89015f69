import { describe, expect, it } from 'vitest';
import { idempotencyKey } from './idempotency.ts';

describe('idempotencyKey', () => {
  const step = (nodeId: string, scope: string) => ({ executionId: 'retry-2', nodeId, scope });

  it('comes from the retry chain, so a retry sends the same key as the run it retries', () => {
    expect(idempotencyKey({ id: 'retry-2', retryChain: 'first' }, step('charge', ''))).toBe('first:charge');
    // Rows older than the chain column count as their own chain.
    expect(idempotencyKey({ id: 'retry-2', retryChain: null }, step('charge', ''))).toBe('retry-2:charge');
  });

  it('differs per node and per loop iteration', () => {
    const execution = { id: 'e', retryChain: 'e' };
    const keys = [step('a', ''), step('b', ''), step('a', '0'), step('a', '1'), step('a', '1/0'), step('a', '10')].map(
      (each) => idempotencyKey(execution, each),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[3]).toBe('e:a:1');
  });
});
