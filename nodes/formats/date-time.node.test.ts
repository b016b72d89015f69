import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import dateTimeNode from './date-time.node.ts';

/** The step's clock in these tests: `now` and `relative` read it, never the machine's. */
const NOW = new Date('2026-03-01T08:30:00Z');

/** Runs the node; `{{ input.at }}` in its config is `input.at` (a number, an object: what no text holds). */
async function run(config: Record<string, unknown>, input: Record<string, unknown> | unknown[] = { id: 7 }) {
  const { evaluate } = answeringTemplates({ '{{ input.at }}': Array.isArray(input) ? undefined : input.at });
  const { output } = await dateTimeNode.execute({
    config: dateTimeNode.config.parse(config),
    input,
    ctx: testContext({ now: () => NOW, evaluate }),
  });
  return output as Record<string, unknown>;
}

/** The node run on a value an expression gives: `{{ input.at }}` reading `at`. */
const runOn = async (at: unknown, config: Record<string, unknown> = {}) => {
  const { at: _, ...rest } = await run({ value: '{{ input.at }}', ...config }, { at });
  return rest;
};

/** Intl separates the time from "AM" with a narrow no-break space; tests read plain spaces. */
const plain = (value: unknown) => String(value).replace(/\s/g, ' ');

describe('date & time config', () => {
  it('formats as ISO 8601 in UTC, reading any usual date, by default', () => {
    expect(dateTimeNode.config.parse({ value: '{{ input.at }}' })).toEqual({
      operation: 'format',
      value: '{{ input.at }}',
      inputFormat: 'auto',
      zone: 'UTC',
      amount: '1',
      unit: 'days',
      units: ['days'],
      toZone: 'UTC',
      keepLocalTime: false,
      period: 'day',
      outputFormat: 'iso',
      locale: 'en-US',
    });
  });

  it('refuses unknown zones, a malformed language tag, missing patterns and second date, naming each field', () => {
    expect(issuePaths(dateTimeNode.config, { value: 'x', zone: 'Europe/Pariss' })).toEqual([['zone']]);
    expect(issuePaths(dateTimeNode.config, { value: 'x', operation: 'convertZone', toZone: 'Mars/Base' })).toEqual([
      ['toZone'],
    ]);
    expect(issuePaths(dateTimeNode.config, { value: 'x', locale: 'not a locale!' })).toEqual([['locale']]);
    expect(issuePaths(dateTimeNode.config, { value: 'x', inputFormat: 'pattern' })).toEqual([['inputPattern']]);
    expect(issuePaths(dateTimeNode.config, { value: 'x', outputFormat: 'pattern' })).toEqual([['outputPattern']]);
    expect(issuePaths(dateTimeNode.config, { value: 'x', operation: 'difference' })).toEqual([['other']]);
    expect(issuePaths(dateTimeNode.config, { value: 'x', operation: 'difference', units: [] })).toEqual([
      ['units'],
      ['other'],
    ]);
    expect(issuePaths(dateTimeNode.config, { value: 'x', field: 'a..b' })).toEqual([['field']]);
    // An output pattern matters only where a date is written: a difference needs none.
    expect(
      issuePaths(dateTimeNode.config, { value: 'x', operation: 'difference', other: 'now', outputFormat: 'pattern' }),
    ).toEqual([]);
  });
});

describe('date & time: reading', () => {
  it('reads ISO texts in the zone when they have no offset, and keeps the moment when they do', async () => {
    expect(await run({ value: '2026-03-28T12:00', zone: 'Europe/Berlin' })).toEqual({
      id: 7,
      formattedDate: '2026-03-28T12:00:00.000+01:00',
    });
    expect((await run({ value: '2026-03-28T12:00:00Z', zone: 'Europe/Berlin' })).formattedDate).toBe(
      '2026-03-28T13:00:00.000+01:00',
    );
  });

  it('reads RFC 2822, HTTP and SQL dates and milliseconds automatically, and `now` from the step’s clock', async () => {
    const utc = async (value: unknown) => (await run({ value })).formattedDate;
    expect(await utc('Sat, 28 Mar 2026 12:00:00 +0100')).toBe('2026-03-28T11:00:00.000Z');
    expect(await utc('Sat, 28 Mar 2026 11:00:00 GMT')).toBe('2026-03-28T11:00:00.000Z');
    expect(await utc('2026-03-28 11:00:00')).toBe('2026-03-28T11:00:00.000Z');
    expect(await utc(String(NOW.getTime()))).toBe('2026-03-01T08:30:00.000Z');
    expect((await runOn(NOW.getTime())).formattedDate).toBe('2026-03-01T08:30:00.000Z');
    expect(await utc('now')).toBe('2026-03-01T08:30:00.000Z');
  });

  it('reads Unix seconds, Unix milliseconds and a pattern of one’s own, in the language asked', async () => {
    const seconds = NOW.getTime() / 1000;
    expect((await runOn(seconds, { inputFormat: 'unixSeconds' })).formattedDate).toBe('2026-03-01T08:30:00.000Z');
    expect((await run({ value: String(seconds), inputFormat: 'unixSeconds' })).formattedDate).toBe(
      '2026-03-01T08:30:00.000Z',
    );
    expect((await runOn(NOW.getTime(), { inputFormat: 'unixMillis' })).formattedDate).toBe('2026-03-01T08:30:00.000Z');
    const pattern = {
      inputFormat: 'pattern',
      inputPattern: 'd MMMM yyyy HH:mm',
      locale: 'fr-FR',
      zone: 'Europe/Paris',
    };
    expect((await run({ value: '28 mars 2026 12:00', ...pattern })).formattedDate).toBe(
      '2026-03-28T12:00:00.000+01:00',
    );
  });

  it('fails without retrying on a value that is not a date, naming the field and luxon’s reason', async () => {
    const impossible = run({ value: '2026-02-30' });
    await expect(impossible).rejects.toThrow(NonRetryableError);
    await expect(impossible).rejects.toThrow(
      'config.value: "2026-02-30" is not a date: you specified 30 (of type number) as a day, which is invalid',
    );
    await expect(run({ value: 'next tuesday' })).rejects.toThrow(
      'config.value: "next tuesday" is not a date: it is none of ISO 8601 (2026-03-01T08:30:00Z), RFC 2822, HTTP, SQL or milliseconds since 1970',
    );
    await expect(run({ value: '31/02/2026', inputFormat: 'pattern', inputPattern: 'dd/MM/yyyy' })).rejects.toThrow(
      'config.value: "31/02/2026" is not a date: you specified 31 (of type number) as a day, which is invalid',
    );
    await expect(run({ value: 'soon', inputFormat: 'unixSeconds' })).rejects.toThrow(
      'config.value: "soon" is not a date: expected a number of seconds since 1970',
    );
    await expect(runOn({ at: 1 })).rejects.toThrow(
      'config.value: an object: {"at":1} is not a date: a date is text or a number',
    );
  });
});

describe('date & time: writing', () => {
  const at = '2026-03-01T08:30:00Z';

  it('writes ISO, the ISO date, Unix numbers, RFC 2822, HTTP and SQL', async () => {
    const out = async (outputFormat: string, zone = 'Europe/Paris') =>
      (await run({ value: at, outputFormat, zone })).formattedDate;
    expect(await out('iso')).toBe('2026-03-01T09:30:00.000+01:00');
    expect(await out('isoDate')).toBe('2026-03-01');
    expect(await out('unixSeconds')).toBe(NOW.getTime() / 1000);
    expect(await out('unixMillis')).toBe(NOW.getTime());
    expect(await out('rfc2822')).toBe('Sun, 01 Mar 2026 09:30:00 +0100');
    expect(await out('http')).toBe('Sun, 01 Mar 2026 08:30:00 GMT');
    expect(await out('sql')).toBe('2026-03-01 09:30:00.000 +01:00');
  });

  it('writes presets in the language asked, a pattern, and relative to now', async () => {
    const out = async (config: Record<string, unknown>) =>
      plain((await run({ value: at, zone: 'Europe/Paris', ...config })).formattedDate);
    expect(await out({ outputFormat: 'dateTimeMedium' })).toBe('Mar 1, 2026, 9:30 AM');
    expect(await out({ outputFormat: 'dateLong', locale: 'fr-FR' })).toBe('1 mars 2026');
    expect(await out({ outputFormat: 'time', locale: 'de-DE' })).toBe('09:30');
    expect(await out({ outputFormat: 'pattern', outputPattern: "cccc d LLLL yyyy 'at' HH:mm", locale: 'de-DE' })).toBe(
      'Sonntag 1 März 2026 at 09:30',
    );
    expect(await out({ value: '2026-03-04T08:30:00Z', outputFormat: 'relative' })).toBe('in 3 days');
    expect(await out({ value: '2026-03-01T06:30:00Z', outputFormat: 'relative', locale: 'fr-FR' })).toBe(
      'il y a 2 heures',
    );
  });

  it('puts the result at the field named, in a copy of the input, or in a fresh object', async () => {
    const input = { id: 7, order: { total: 3 } };
    expect(await run({ value: at, field: 'order.placedOn', outputFormat: 'isoDate' }, input)).toEqual({
      id: 7,
      order: { total: 3, placedOn: '2026-03-01' },
    });
    expect(input).toEqual({ id: 7, order: { total: 3 } });
    expect(await run({ value: at, outputFormat: 'isoDate' }, ['not', 'an object'])).toEqual({
      formattedDate: '2026-03-01',
    });
  });
});

describe('date & time: calculating', () => {
  it('adds 1 day across the spring daylight-saving change in Berlin keeping the time, 24 hours not', async () => {
    // 2026-03-29 02:00 → 03:00 in Europe/Berlin: that day has 23 hours.
    const berlin = { value: '2026-03-28T12:00', zone: 'Europe/Berlin', operation: 'add' };
    expect((await run({ ...berlin, amount: '1', unit: 'days' })).date).toBe('2026-03-29T12:00:00.000+02:00');
    expect((await run({ ...berlin, amount: '24', unit: 'hours' })).date).toBe('2026-03-29T13:00:00.000+02:00');
  });

  it('adds 1 day across the autumn change in New York keeping the time, 24 hours not', async () => {
    // 2026-11-01 02:00 → 01:00 in America/New_York: that day has 25 hours.
    const newYork = { value: '2026-10-31T12:00', zone: 'America/New_York', operation: 'add' };
    expect((await run({ ...newYork, unit: 'days' })).date).toBe('2026-11-01T12:00:00.000-05:00');
    expect((await run({ ...newYork, amount: '24', unit: 'hours' })).date).toBe('2026-11-01T11:00:00.000-05:00');
  });

  it('counts a difference across the change in calendar days or in hours', async () => {
    const across = { operation: 'difference', value: '2026-03-28T12:00', other: '2026-03-29T12:00' };
    expect((await run({ ...across, zone: 'Europe/Berlin' })).difference).toEqual({ days: 1 });
    expect((await run({ ...across, zone: 'Europe/Berlin', units: ['hours'] })).difference).toEqual({ hours: 23 });
    expect((await run({ ...across, zone: 'UTC', units: ['hours'] })).difference).toEqual({ hours: 24 });
    expect(
      (
        await run({
          operation: 'difference',
          value: '2026-03-01T00:00Z',
          other: '2026-03-04T04:30Z',
          units: ['days', 'hours'],
        })
      ).difference,
    ).toEqual({ days: 3, hours: 4.5 });
    // Negative when the second date comes first; `now` is the step's clock.
    expect((await run({ operation: 'difference', value: '2026-03-03T08:30Z', other: 'now' })).difference).toEqual({
      days: -2,
    });
  });

  it('subtracts, and takes the amount from an expression’s number or text, whole for months', async () => {
    const subtract = { operation: 'subtract', value: '2026-03-31T10:00Z' };
    expect((await run({ ...subtract, amount: '1', unit: 'months' })).date).toBe('2026-02-28T10:00:00.000Z');
    expect((await run({ ...subtract, amount: '1.5', unit: 'hours' })).date).toBe('2026-03-31T08:30:00.000Z');
    const fromExpression = await run({ ...subtract, amount: '{{ input.at }}', unit: 'hours' }, { at: 2 });
    expect(fromExpression).toEqual({ at: 2, date: '2026-03-31T08:00:00.000Z' });
    await expect(run({ ...subtract, amount: '1.5', unit: 'months' })).rejects.toThrow(
      'config.amount: months are added whole, got 1.5',
    );
    await expect(run({ ...subtract, amount: 'three' })).rejects.toThrow(
      'config.amount: expected a number, got a string: "three"',
    );
  });

  it('converts the time zone keeping the moment, or keeping the wall-clock time', async () => {
    const convert = {
      operation: 'convertZone',
      value: '2026-03-28T12:00',
      zone: 'Europe/Berlin',
      toZone: 'America/New_York',
    };
    expect((await run(convert)).date).toBe('2026-03-28T07:00:00.000-04:00');
    expect((await run({ ...convert, keepLocalTime: true })).date).toBe('2026-03-28T12:00:00.000-04:00');
  });

  it('gives the start and end of a period in the zone', async () => {
    const value = '2026-03-29T12:34:56Z';
    expect((await run({ operation: 'startOf', value, zone: 'Europe/Berlin' })).date).toBe(
      '2026-03-29T00:00:00.000+01:00',
    );
    expect((await run({ operation: 'endOf', value, period: 'month', zone: 'Europe/Berlin' })).date).toBe(
      '2026-03-31T23:59:59.999+02:00',
    );
    expect((await run({ operation: 'startOf', value, period: 'week' })).date).toBe('2026-03-23T00:00:00.000Z');
  });

  it('takes a date apart', async () => {
    expect(
      (await run({ operation: 'parse', value: '2026-03-29T12:00', zone: 'Europe/Berlin', locale: 'fr-FR' })).date,
    ).toEqual({
      iso: '2026-03-29T12:00:00.000+02:00',
      unixSeconds: Date.parse('2026-03-29T10:00:00Z') / 1000,
      unixMillis: Date.parse('2026-03-29T10:00:00Z'),
      zone: 'Europe/Berlin',
      offset: '+02:00',
      year: 2026,
      quarter: 1,
      month: 3,
      monthName: 'mars',
      day: 29,
      weekday: 7,
      weekdayName: 'dimanche',
      weekNumber: 13,
      hour: 12,
      minute: 0,
      second: 0,
      millisecond: 0,
      daysInMonth: 31,
      isInDST: true,
    });
  });

  it('names the second date’s field when it is not a date', async () => {
    await expect(run({ operation: 'difference', value: 'now', other: 'tomorrow' })).rejects.toThrow(
      /^config\.other: "tomorrow" is not a date/,
    );
  });
});
