import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('throttle', () => {
  it('acts at once on the first call, then once at the end of a window however many calls came', () => {
    const fn = vi.fn();
    const throttled = throttle(fn, 1_000);
    throttled();
    expect(fn).toHaveBeenCalledTimes(1);
    for (let index = 0; index < 300; index++) throttled();
    vi.advanceTimersByTime(999);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('keeps to one call a second under a steady stream of calls', () => {
    const fn = vi.fn();
    const throttled = throttle(fn, 1_000);
    for (let ms = 0; ms < 5_000; ms += 10) {
      throttled();
      vi.advanceTimersByTime(10);
    }
    // At 0, 1, 2, 3 and 4 s, and once more at 5 s for the calls of the last window.
    expect(fn).toHaveBeenCalledTimes(6);
  });

  it('stays quiet after a window with no calls, and acts at once on the next one', () => {
    const fn = vi.fn();
    const throttled = throttle(fn, 1_000);
    throttled();
    vi.advanceTimersByTime(5_000);
    expect(fn).toHaveBeenCalledTimes(1);
    throttled();
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('drops the pending call when canceled', () => {
    const fn = vi.fn();
    const throttled = throttle(fn, 1_000);
    throttled();
    throttled();
    throttled.cancel();
    vi.advanceTimersByTime(5_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
