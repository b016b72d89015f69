import { describe, expect, it } from 'vitest';
import { issuePaths, testContext } from '../testing/context.ts';
import formatDateNode from './format-date.node.ts';

const run = (config: unknown, input: unknown = { id: 7 }) =>
  formatDateNode.execute({ config: formatDateNode.config.parse(config), input, ctx: testContext() });

/** Intl separates the time from "AM" with a narrow no-break space; tests read plain spaces. */
const plain = (value: unknown) => String(value).replace(/\s/g, ' ');

describe('format date config', () => {
  it('fills the format, zone, language and field', () => {
    expect(formatDateNode.config.parse({ value: '{{ input.at }}' })).toEqual({
      value: '{{ input.at }}',
      format: 'dateTime',
      timeZone: 'UTC',
      locale: 'en-US',
      field: 'formattedDate',
    });
  });

  it('refuses an unknown time zone, a malformed language tag, a bad field path, naming each', () => {
    expect(issuePaths(formatDateNode.config, { value: 'x', timeZone: 'Mars/Base' })).toEqual([['timeZone']]);
    expect(issuePaths(formatDateNode.config, { value: 'x', locale: 'not a locale!' })).toEqual([['locale']]);
    expect(issuePaths(formatDateNode.config, { value: 'x', field: 'a..b' })).toEqual([['field']]);
    expect(issuePaths(formatDateNode.config, { value: 'x', format: 'weekday' })).toEqual([['format']]);
  });
});

describe('format date execute', () => {
  const at = '2026-03-01T08:30:00Z';

  it('writes the date in the zone and language asked, into a copy of the input', async () => {
    const input = { id: 7, order: { total: 3 } };
    const result = await run({ value: at, timeZone: 'Europe/Paris', field: 'order.placedOn' }, input);
    expect(result.output).toEqual({ id: 7, order: { total: 3, placedOn: expect.any(String) } });
    expect(plain((result.output as { order: { placedOn: string } }).order.placedOn)).toBe('Mar 1, 2026, 9:30 AM');
    expect(input).toEqual({ id: 7, order: { total: 3 } });
    const french = await run({ value: at, format: 'date', locale: 'fr-FR', timeZone: 'Europe/Paris' });
    expect(french.output).toEqual({ id: 7, formattedDate: '1 mars 2026' });
  });

  it('gives ISO 8601 in UTC and Unix seconds, and reads milliseconds as well as text', async () => {
    const millis = Date.parse(at);
    expect((await run({ value: String(millis), format: 'iso' })).output).toEqual({
      id: 7,
      formattedDate: '2026-03-01T08:30:00.000Z',
    });
    expect((await run({ value: at, format: 'unixSeconds' }, 'not an object')).output).toEqual({
      formattedDate: millis / 1000,
    });
    const time = await run({ value: at, format: 'time', timeZone: 'America/New_York' });
    expect(plain((time.output as { formattedDate: string }).formattedDate)).toBe('3:30 AM');
  });

  it('fails for good on a value that is not a date', async () => {
    await expect(run({ value: 'next tuesday' })).rejects.toMatchObject({
      name: 'NonRetryableError',
      message: '"next tuesday" is not a date (ISO 8601 text or milliseconds)',
    });
  });
});
