import { describe, expect, it } from 'vitest';
import { dueFire, nextFires, scheduleOf } from './schedule.ts';

const at = (iso: string) => new Date(iso);
const everyMinute = { cron: '0 * * * * *', timezone: 'UTC' };

describe('dueFire', () => {
  it('has nothing due before the next slot', () => {
    expect(dueFire(everyMinute, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:00:59Z'))).toBeUndefined();
  });

  it('is due at the slot itself, once', () => {
    const due = dueFire(everyMinute, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:01:00Z'));
    expect(due).toEqual({ scheduledFor: at('2026-01-01T10:01:00Z'), missed: 0 });
    // Once taken (since = that slot), the same slot is not due again.
    expect(dueFire(everyMinute, at('2026-01-01T10:01:00Z'), at('2026-01-01T10:01:30Z'))).toBeUndefined();
  });

  it('after downtime runs the latest missed slot and counts the skipped ones', () => {
    const due = dueFire(everyMinute, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:05:30Z'));
    expect(due).toEqual({ scheduledFor: at('2026-01-01T10:05:00Z'), missed: 4 });
  });

  it('caps the count of missed slots after a very long downtime', () => {
    const everySecond = { cron: '* * * * * *', timezone: 'UTC' };
    const due = dueFire(everySecond, at('2026-01-01T00:00:00Z'), at('2026-01-08T00:00:00Z'));
    expect(due?.scheduledFor).toEqual(at('2026-01-08T00:00:00Z'));
    expect(due?.missed).toBe(1000);
  });

  it('reads the expression in its time zone, daylight-saving changes included', () => {
    // 09:00 in Paris is 08:00 UTC in winter, 07:00 UTC in summer.
    const nine = { cron: '0 9 * * *', timezone: 'Europe/Paris' };
    expect(dueFire(nine, at('2026-01-15T07:00:00Z'), at('2026-01-15T08:00:00Z'))?.scheduledFor).toEqual(
      at('2026-01-15T08:00:00Z'),
    );
    expect(dueFire(nine, at('2026-07-15T06:00:00Z'), at('2026-07-15T07:00:00Z'))?.scheduledFor).toEqual(
      at('2026-07-15T07:00:00Z'),
    );
    // 02:30 does not exist in Paris on 29 March 2026: that day's slot falls at the next valid time.
    const night = { cron: '30 2 * * *', timezone: 'Europe/Paris' };
    expect(nextFires(night, 3, at('2026-03-28T00:00:00Z'))).toEqual([
      at('2026-03-28T01:30:00Z'),
      at('2026-03-29T01:00:00Z'),
      at('2026-03-30T00:30:00Z'),
    ]);
  });
});

describe('scheduleOf', () => {
  it('reads the schedule trigger of a graph, and nothing from other triggers', () => {
    const node = (type: string, config: Record<string, unknown>) => ({
      id: 't',
      type,
      name: 'T',
      position: { x: 0, y: 0 },
      config,
    });
    expect(scheduleOf({ nodes: [node('trigger.schedule', { cron: '0 9 * * 1-5' })], edges: [] })).toEqual({
      cron: '0 9 * * 1-5',
      timezone: 'UTC',
    });
    expect(scheduleOf({ nodes: [node('trigger.manual', {})], edges: [] })).toBeUndefined();
  });
});
