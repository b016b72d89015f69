import type { DateTime, DurationUnit } from 'luxon';
import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { describeValue } from '../lists/list-value.ts';
import { fieldPath, isPlainObject, setAtPath } from '../paths.ts';
import { template } from '../template.ts';
import { isValidTimeZone } from '../triggers/schedule.node.ts';
import { INPUT_FORMATS, OUTPUT_FORMATS } from './date-formats.ts';

const OPERATIONS = ['format', 'parse', 'add', 'subtract', 'difference', 'convertZone', 'startOf', 'endOf'] as const;
type Operation = (typeof OPERATIONS)[number];

const UNITS = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'] as const;
/** Units whose length varies (a month of 28 to 31 days): luxon adds only whole ones. */
const WHOLE_UNITS: ReadonlySet<string> = new Set(['years', 'quarters', 'months']);
const PERIODS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;

/** Where the result goes when the config names no field. */
const DEFAULT_FIELD: Record<Operation, string> = {
  format: 'formattedDate',
  parse: 'date',
  add: 'date',
  subtract: 'date',
  difference: 'difference',
  convertZone: 'date',
  startOf: 'date',
  endOf: 'date',
};

/** A field the settings form shows only for these operations (the form reads `showWhen`). */
const only = (...operations: Operation[]) => ({ showWhen: { operation: operations } });
/** Operations whose result is a date, written in the output format. */
const WRITES_DATE: Operation[] = ['format', 'add', 'subtract', 'convertZone', 'startOf', 'endOf'];

const zoneField = (description: string) => z.string().default('UTC').describe(description).meta({ format: 'timezone' });

/** Intl knows the language tag, or throws a RangeError (luxon would throw it later, mid-run). */
function isLocale(locale: string): boolean {
  try {
    new Intl.DateTimeFormat(locale);
    return true;
  } catch {
    return false;
  }
}

export default defineNode({
  type: 'transform.dateTime',
  kind: 'transform',
  title: 'Date & time',
  description:
    'Reads, formats and calculates dates: add or subtract time, the difference between two dates, time zones, start or end of a day.',
  icon: 'calendar-clock',
  docs: [
    'The date comes from an expression such as `{{ input.createdAt }}`, or the word `now` for the time the step runs. "Read as" says how it is written: automatic (ISO 8601 such as `2026-03-01T08:30:00Z`, RFC 2822, HTTP or SQL dates, or a number of milliseconds since 1970, also written as a text of digits), Unix seconds, Unix milliseconds, or a pattern of your own such as `dd/MM/yyyy HH:mm` (luxon’s tokens: `yyyy` year, `MM` month, `dd` day, `HH` hour, `mm` minute, `ss` second, `MMMM` month name, `cccc` weekday name; names are read in the language you pick).',
    'The time zone matters: a date without an offset is read in it, days and months are counted in it (adding 1 day across a daylight-saving change keeps the time of day, where adding 24 hours does not), and the result is written in it, e.g. `2026-03-29T12:00:00.000+02:00` in Europe/Berlin.',
    'Operations: format writes the date in the output format; parse gives its parts (`iso`, `unixSeconds`, `year`, `month`, `day`, `weekday` (1 = Monday), `weekdayName`, `hour`, `offset`, `zone`, …); add and subtract move it by an amount of a unit (the amount may be an expression, e.g. `{{ input.days }}`); difference gives the second date minus the first in the units you pick, e.g. `{ "days": 3, "hours": 4.5 }`; convert time zone shows the same moment in another zone (or, with "keep local time", the same wall-clock time there); start and end of a period give e.g. midnight, or the last millisecond of the month.',
    'Output formats: ISO 8601, the ISO date alone, Unix seconds or milliseconds (numbers), RFC 2822, HTTP, SQL, short to long dates and times written in the language you pick (`Mar 1, 2026, 9:30 AM`; `1 mars 2026` in fr-FR), relative to now (`in 3 days`), or a pattern of your own.',
    'The result is written into a copy of the input at the field you name (by default `formattedDate` for format, `difference` for difference, `date` otherwise). A value that is not a date fails the step at once, naming the field and why (e.g. `config.value: "2026-02-30" is not a date: you specified 30 (of type number) as a day, which is invalid`). The older Format date node is kept for workflows that use it; this node does all it does and more.',
  ].join('\n\n'),
  config: z
    .strictObject({
      operation: z.enum(OPERATIONS).default('format').describe('What to do with the date'),
      value: template('The date, e.g. {{ input.createdAt }}, or now').meta({ title: 'Date' }),
      inputFormat: z.enum(INPUT_FORMATS).default('auto').describe('How the date is written').meta({ title: 'Read as' }),
      inputPattern: z
        .string()
        .max(200)
        .optional()
        .describe('The pattern the date is written in, e.g. dd/MM/yyyy HH:mm')
        .meta({ showWhen: { inputFormat: ['pattern'] } }),
      zone: zoneField('IANA time zone the date is read in (without an offset), counted in and written in').meta({
        title: 'Time zone',
      }),
      amount: template('How many units, e.g. 3 or {{ input.days }}').default('1').meta(only('add', 'subtract')),
      unit: z.enum(UNITS).default('days').describe('The unit of the amount').meta(only('add', 'subtract')),
      other: template('The second date: the result is this one minus the first, e.g. {{ input.dueAt }} or now')
        .optional()
        .meta({ title: 'Second date', ...only('difference') }),
      units: z
        .array(z.enum(UNITS))
        .min(1)
        .max(UNITS.length)
        .default(['days'])
        .describe('The units of the difference, e.g. days, or days and hours')
        .meta(only('difference')),
      toZone: zoneField('The IANA time zone to show the date in').meta({
        title: 'To time zone',
        ...only('convertZone'),
      }),
      keepLocalTime: z
        .boolean()
        .default(false)
        .describe('Keep the wall-clock time (a different moment) instead of the moment')
        .meta(only('convertZone')),
      period: z.enum(PERIODS).default('day').describe('The period, e.g. day or month').meta(only('startOf', 'endOf')),
      outputFormat: z
        .enum(OUTPUT_FORMATS)
        .default('iso')
        .describe('How the resulting date is written')
        .meta(only(...WRITES_DATE)),
      outputPattern: z
        .string()
        .max(200)
        .optional()
        .describe("The pattern to write, e.g. cccc d LLLL yyyy 'at' HH:mm")
        .meta({ showWhen: { operation: WRITES_DATE, outputFormat: ['pattern'] } }),
      locale: z.string().default('en-US').describe('Language and region of names and written dates, e.g. fr-FR'),
      field: fieldPath
        .optional()
        .describe('Where the result goes in the output (empty: formattedDate, difference or date)'),
    })
    .superRefine((config, ctx) => {
      for (const key of ['zone', 'toZone'] as const) {
        if (!isValidTimeZone(config[key])) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'must be an IANA time zone such as Europe/Paris' });
        }
      }
      if (!isLocale(config.locale)) {
        ctx.addIssue({ code: 'custom', path: ['locale'], message: 'must be a language tag such as en-US or fr-FR' });
      }
      if (config.inputFormat === 'pattern' && !config.inputPattern?.trim()) {
        ctx.addIssue({ code: 'custom', path: ['inputPattern'], message: 'reading by a pattern needs the pattern' });
      }
      if (
        WRITES_DATE.includes(config.operation) &&
        config.outputFormat === 'pattern' &&
        !config.outputPattern?.trim()
      ) {
        ctx.addIssue({ code: 'custom', path: ['outputPattern'], message: 'writing by a pattern needs the pattern' });
      }
      if (config.operation === 'difference' && !config.other?.trim()) {
        ctx.addIssue({ code: 'custom', path: ['other'], message: 'a difference needs the second date' });
      }
    }),
  async execute({ config, input, ctx }) {
    // luxon (~250 kB) loads with the node's first run, not with every process that loads the catalogue.
    const [{ readDate }, { dateParts, writeDate }] = await Promise.all([
      import('./date-read.ts'),
      import('./date-write.ts'),
    ]);
    const now = ctx.now();
    const read = (value: unknown, field: string) =>
      readDate(value, field, {
        format: config.inputFormat,
        pattern: config.inputPattern,
        zone: config.zone,
        locale: config.locale,
        now,
      });
    const date = read(await ctx.evaluate(config.value), 'value');
    const write = (result: DateTime) =>
      writeDate(result, { format: config.outputFormat, pattern: config.outputPattern, locale: config.locale, now });

    let result: unknown;
    switch (config.operation) {
      case 'format':
        result = write(date);
        break;
      case 'parse':
        result = dateParts(date, config.locale);
        break;
      case 'add':
      case 'subtract': {
        const amount = readAmount(await ctx.evaluate(config.amount), config.unit);
        const moved =
          config.operation === 'add' ? date.plus({ [config.unit]: amount }) : date.minus({ [config.unit]: amount });
        if (!moved.isValid)
          throw new NonRetryableError(`config.amount: ${amount} ${config.unit} goes past the dates luxon can count`);
        result = write(moved);
        break;
      }
      case 'difference': {
        const other = read(await ctx.evaluate(config.other ?? ''), 'other');
        result = other.diff(date, config.units as DurationUnit[]).toObject();
        break;
      }
      case 'convertZone':
        result = write(date.setZone(config.toZone, { keepLocalTime: config.keepLocalTime }));
        break;
      case 'startOf':
        result = write(date.startOf(config.period));
        break;
      case 'endOf':
        result = write(date.endOf(config.period));
        break;
    }
    const field = config.field ?? DEFAULT_FIELD[config.operation];
    return { output: setAtPath(isPlainObject(input) ? input : {}, field, result) };
  },
});

/** The evaluated amount as a number (text of one too), whole for units of varying length. */
function readAmount(value: unknown, unit: string): number {
  const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new NonRetryableError(`config.amount: expected a number, got ${describeValue(value)}`);
  }
  if (WHOLE_UNITS.has(unit) && !Number.isInteger(amount)) {
    throw new NonRetryableError(`config.amount: ${unit} are added whole, got ${amount}`);
  }
  return amount;
}
