import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { fieldPath, isPlainObject, setAtPath } from '../paths.ts';
import { template } from '../template.ts';

/** Intl knows the zone (and the language tag) or throws a RangeError. */
const formats = (locale: string, timeZone: string) => {
  try {
    new Intl.DateTimeFormat(locale, { timeZone });
    return true;
  } catch {
    return false;
  }
};

const STYLES = {
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  date: { dateStyle: 'long' },
  time: { timeStyle: 'short' },
} as const;

/** An ISO 8601 text, a number of milliseconds since 1970, or a text of digits holding one. */
function readDate(value: unknown): Date | undefined {
  const millis = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  const date = typeof millis === 'number' || typeof millis === 'string' ? new Date(millis) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

export default defineNode({
  type: 'transform.formatDate',
  kind: 'transform',
  title: 'Format date',
  description: 'Reads a date and writes it out in the format, time zone and language you pick.',
  docs: [
    'The date may be an ISO 8601 text such as `2026-03-01T08:30:00Z` or a number of milliseconds since 1970, usually from an expression such as `{{ input.createdAt }}`.',
    'The result is written into a copy of the input at the field you name, e.g. `order.placedOn`: "date time" gives `Mar 1, 2026, 9:30 AM` (in Europe/Paris), "ISO" gives the UTC time in ISO 8601, "Unix seconds" a number.',
    'A value that is not a date fails the step at once (retrying cannot fix it).',
    'The Date & time node does all this and more: other ways a date is written, patterns of your own, adding and subtracting time, differences, time zones, start and end of a day or month.',
  ].join('\n\n'),
  icon: 'calendar',
  config: z
    .strictObject({
      value: template('The date to read, e.g. {{ input.createdAt }}'),
      format: z.enum(['dateTime', 'date', 'time', 'iso', 'unixSeconds']).default('dateTime'),
      timeZone: z.string().default('UTC').describe('IANA time zone the date is shown in, e.g. Europe/Paris'),
      locale: z.string().default('en-US').describe('Language and region of the words and order, e.g. fr-FR'),
      field: fieldPath.default('formattedDate').describe('Where the result goes in the output, e.g. order.placedOn'),
    })
    .superRefine((config, ctx) => {
      if (!formats('en-US', config.timeZone)) {
        ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'must be an IANA time zone such as Europe/Paris' });
      } else if (!formats(config.locale, config.timeZone)) {
        ctx.addIssue({ code: 'custom', path: ['locale'], message: 'must be a language tag such as en-US or fr-FR' });
      }
    }),
  async execute({ config, input, ctx }) {
    const value = await ctx.evaluate(config.value);
    const date = readDate(value);
    if (!date) throw new NonRetryableError(`${JSON.stringify(value)} is not a date (ISO 8601 text or milliseconds)`);
    const formatted =
      config.format === 'iso'
        ? date.toISOString()
        : config.format === 'unixSeconds'
          ? Math.floor(date.getTime() / 1000)
          : new Intl.DateTimeFormat(config.locale, { ...STYLES[config.format], timeZone: config.timeZone }).format(
              date,
            );
    return { output: setAtPath(isPlainObject(input) ? input : {}, config.field, formatted) };
  },
});
