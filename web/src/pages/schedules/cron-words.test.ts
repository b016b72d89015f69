import { describe, expect, it } from 'vitest';
import { cronInWords, fireTime } from './cron-words.ts';

describe('cron in words', () => {
  it('describes five- and six-field expressions', () => {
    expect(cronInWords('0 9 * * 1-5')).toBe('At 09:00, Monday through Friday');
    expect(cronInWords('*/30 * * * * *')).toBe('Every 30 seconds');
  });

  it('is undefined for what it cannot read (the page then shows the expression)', () => {
    expect(cronInWords('not a cron')).toBeUndefined();
  });
});

describe('fire times', () => {
  it('add the schedule’s own zone only when it differs from the user’s', () => {
    const iso = '2026-11-23T08:00:00.000Z';
    expect(fireTime(iso, 'UTC', 'UTC').inZone).toBeUndefined();
    expect(fireTime(iso, 'Europe/Paris', 'UTC').inZone).toMatch(/09:00 in Europe\/Paris$/);
  });
});
