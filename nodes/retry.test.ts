import { describe, expect, it } from 'vitest';
import { backoffDelayMs, NO_RETRY, type RetryPolicy } from './retry.ts';

const policy: RetryPolicy = { maxAttempts: 10, initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 0.25 };
const noJitter: RetryPolicy = { ...policy, jitter: 0 };
const middle = () => 0.5;

describe('backoffDelayMs', () => {
  it('waits initialDelayMs before the first retry and grows by factor after that', () => {
    expect([2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(noJitter, attempt))).toEqual([
      1000, 2000, 4000, 8000, 16_000,
    ]);
    expect(backoffDelayMs({ ...noJitter, factor: 3, initialDelayMs: 500 }, 4)).toBe(4500);
  });

  it('caps the delay at maxDelayMs', () => {
    expect(backoffDelayMs(noJitter, 8)).toBe(60_000);
    expect(backoffDelayMs(noJitter, 50)).toBe(60_000);
    expect(backoffDelayMs(policy, 50, middle)).toBe(60_000);
  });

  it('never exceeds maxDelayMs, even with jitter at its top', () => {
    expect(backoffDelayMs(policy, 50, () => 1)).toBe(60_000);
  });

  it('never goes below the first delay for attempt numbers under 2', () => {
    expect(backoffDelayMs(noJitter, 1)).toBe(1000);
    expect(backoffDelayMs(noJitter, 0)).toBe(1000);
  });

  it('spreads each delay by ±jitter around its base', () => {
    // attempt 4: base 4000, spread 25 % = 1000
    expect(backoffDelayMs(policy, 4, () => 0)).toBe(3000);
    expect(backoffDelayMs(policy, 4, middle)).toBe(4000);
    expect(backoffDelayMs(policy, 4, () => 1)).toBe(5000);
    expect(backoffDelayMs(policy, 4, () => 0.75)).toBe(4500);
  });

  it('jitters a capped delay downwards from the cap', () => {
    expect(backoffDelayMs(policy, 50, () => 0)).toBe(45_000);
  });

  it('stays within the jitter bounds for random values in [0, 1)', () => {
    for (const random of [0, 0.1, 0.33, 0.5, 0.9, 0.999_999]) {
      const delay = backoffDelayMs(policy, 3, () => random);
      expect(delay).toBeGreaterThanOrEqual(1500);
      expect(delay).toBeLessThanOrEqual(2500);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it('uses Math.random when no random is given, staying within bounds', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelayMs(policy, 2);
      expect(delay).toBeGreaterThanOrEqual(750);
      expect(delay).toBeLessThanOrEqual(1250);
    }
  });
});

describe('NO_RETRY', () => {
  it('makes one attempt only', () => {
    expect(NO_RETRY.maxAttempts).toBe(1);
  });
});
