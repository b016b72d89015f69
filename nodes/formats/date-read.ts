import { DateTime } from 'luxon';
import { NonRetryableError } from '../errors.ts';
import { describeValue } from '../lists/list-value.ts';

import type { InputFormat } from './date-formats.ts';

export interface ReadOptions {
  readonly format: InputFormat;
  /** Luxon tokens for `pattern`, e.g. dd/MM/yyyy HH:mm. */
  readonly pattern?: string | undefined;
  /** The zone a text without an offset is read in; the date comes back in it. */
  readonly zone: string;
  /** The language of month and day names in a pattern (`d MMMM yyyy` reads "1 mars 2026" in fr-FR). */
  readonly locale: string;
  /** What `now` means: the step's clock (ctx.now()). */
  readonly now: Date;
}

const TEXT_READERS = {
  iso: (text, options) => DateTime.fromISO(text, options),
  rfc2822: (text, options) => DateTime.fromRFC2822(text, options),
  http: (text, options) => DateTime.fromHTTP(text, options),
  sql: (text, options) => DateTime.fromSQL(text, options),
} satisfies Record<string, (text: string, options: { zone: string }) => DateTime>;

/**
 * The evaluated value of the config field `field` as a date in `options.zone`, or a
 * NonRetryableError naming the field, the value and luxon's explanation of why it is not a date.
 */
export function readDate(value: unknown, field: string, options: ReadOptions): DateTime {
  const date = attempt(value, options);
  if (date.isValid) return date;
  const why = date.invalidExplanation ?? date.invalidReason ?? 'not a date';
  // A text or a number is shown as it is; anything else by its kind and the start of its JSON.
  const shown = typeof value === 'string' || typeof value === 'number' ? JSON.stringify(value) : describeValue(value);
  throw new NonRetryableError(`config.${field}: ${shown} is not a date: ${why}`);
}

function attempt(value: unknown, options: ReadOptions): DateTime {
  const zoned = { zone: options.zone };
  if (typeof value === 'string' && value.trim().toLowerCase() === 'now') {
    return DateTime.fromJSDate(options.now, zoned);
  }
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value.trim())
        ? Number(value)
        : undefined;
  switch (options.format) {
    case 'unixSeconds':
    case 'unixMillis':
      if (number === undefined)
        return DateTime.invalid(
          'not a number',
          `expected a number of ${options.format === 'unixSeconds' ? 'seconds' : 'milliseconds'} since 1970`,
        );
      return options.format === 'unixSeconds'
        ? DateTime.fromSeconds(number, zoned)
        : DateTime.fromMillis(number, zoned);
    case 'pattern':
      if (typeof value !== 'string') return DateTime.invalid('not text', 'a pattern reads text');
      return DateTime.fromFormat(value, options.pattern ?? '', { ...zoned, locale: options.locale });
    case 'auto': {
      // Numbers are milliseconds, as JavaScript counts them (and the Format date node).
      if (number !== undefined) return DateTime.fromMillis(number, zoned);
      if (typeof value !== 'string') return DateTime.invalid('not text', 'a date is text or a number');
      const iso = TEXT_READERS.iso(value, zoned);
      if (iso.isValid || iso.invalidReason !== 'unparsable') return iso;
      for (const read of [TEXT_READERS.rfc2822, TEXT_READERS.http, TEXT_READERS.sql]) {
        const date = read(value, zoned);
        if (date.isValid) return date;
      }
      return DateTime.invalid(
        'unparsable',
        'it is none of ISO 8601 (2026-03-01T08:30:00Z), RFC 2822, HTTP, SQL or milliseconds since 1970',
      );
    }
    default:
      if (typeof value !== 'string') return DateTime.invalid('not text', `${options.format} dates are text`);
      return TEXT_READERS[options.format](value, zoned);
  }
}
