import { describe, expect, it } from 'vitest';
import { cronToEvery, everyToCron, nextFires, timeZones } from './cron-simple.ts';

describe('the schedule form’s simple mode', () => {
  it('writes the cron of "every N minutes / hours / days at HH:MM"', () => {
    expect(everyToCron({ unit: 'minutes', n: 15 })).toBe('*/15 * * * *');
    expect(everyToCron({ unit: 'minutes', n: 1 })).toBe('* * * * *');
    expect(everyToCron({ unit: 'hours', n: 2, minute: 30 })).toBe('30 */2 * * *');
    expect(everyToCron({ unit: 'days', n: 1, hour: 9, minute: 5 })).toBe('5 9 * * *');
    expect(everyToCron({ unit: 'days', n: 3, hour: 18, minute: 0 })).toBe('0 18 */3 * *');
  });

  it('reads those shapes back, and nothing else', () => {
    for (const every of [
      { unit: 'minutes', n: 15 },
      { unit: 'hours', n: 1, minute: 0 },
      { unit: 'hours', n: 6, minute: 45 },
      { unit: 'days', n: 1, hour: 9, minute: 0 },
      { unit: 'days', n: 2, hour: 23, minute: 59 },
    ] as const) {
      expect(cronToEvery(everyToCron(every))).toEqual(every);
    }
    expect(cronToEvery('0 9 * * 1-5')).toBeUndefined(); // weekdays: only raw cron says that
    expect(cronToEvery('0 9 1 * *')).toBeUndefined();
    expect(cronToEvery('*/90 * * * *')).toBeUndefined();
    expect(cronToEvery('0 0 9 * * *')).toBeUndefined(); // with seconds
    expect(cronToEvery('nonsense')).toBeUndefined();
  });

  it('lists the next fires in the schedule’s own time zone', () => {
    const from = new Date('2026-03-10T12:00:00Z');
    expect(nextFires('0 9 * * *', 'Europe/Paris', 2, from)).toEqual([
      '2026-03-11T08:00:00.000Z',
      '2026-03-12T08:00:00.000Z',
    ]);
    expect(nextFires('not a cron', 'UTC', 3, from)).toEqual([]);
    expect(timeZones()[0]).toBe('UTC');
    expect(timeZones()).toContain('Europe/Paris');
  });
});
