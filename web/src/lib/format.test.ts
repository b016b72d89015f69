import { describe, expect, it } from 'vitest';
import { formatDuration, relativeTime } from './format.ts';

describe('durations', () => {
  it('read in the unit that fits', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(420)).toBe('420 ms');
    expect(formatDuration(3210)).toBe('3.21 s');
    expect(formatDuration(12_500)).toBe('12.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_840_000)).toBe('1 h 4 min');
  });
});

describe('relative times', () => {
  it('say "just now", then the largest whole unit, past or future', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(relativeTime('2026-11-22T11:59:55Z', now)).toBe('just now');
    expect(relativeTime('2026-11-22T11:57:00Z', now)).toMatch(/3 minutes ago/);
    expect(relativeTime('2026-11-22T14:00:00Z', now)).toMatch(/in 2 hours/);
  });
});
