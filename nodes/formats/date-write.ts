import { DateTime, type DateTimeFormatOptions } from 'luxon';

import type { OutputFormat, PresetFormat } from './date-formats.ts';

/** Presets written in the language of the locale, as luxon (and Intl) spell them. */
const PRESETS: Record<PresetFormat, DateTimeFormatOptions> = {
  dateShort: DateTime.DATE_SHORT,
  dateMedium: DateTime.DATE_MED,
  dateLong: DateTime.DATE_FULL,
  dateFull: DateTime.DATE_HUGE,
  time: DateTime.TIME_SIMPLE,
  timeWithSeconds: DateTime.TIME_WITH_SECONDS,
  dateTimeShort: DateTime.DATETIME_SHORT,
  dateTimeMedium: DateTime.DATETIME_MED,
  dateTimeLong: DateTime.DATETIME_FULL,
};

export interface WriteOptions {
  readonly format: OutputFormat;
  /** Luxon tokens for `pattern`, e.g. cccc d LLLL yyyy. */
  readonly pattern?: string | undefined;
  readonly locale: string;
  /** What `relative` counts from: the step's clock. */
  readonly now: Date;
}

/** The date written as asked, in its own zone: a text, or a number for the Unix formats. */
export function writeDate(date: DateTime, options: WriteOptions): string | number {
  const local = date.setLocale(options.locale);
  switch (options.format) {
    case 'iso':
      return local.toISO() ?? '';
    case 'isoDate':
      return local.toISODate() ?? '';
    case 'unixSeconds':
      return local.toUnixInteger();
    case 'unixMillis':
      return local.toMillis();
    case 'rfc2822':
      return local.toRFC2822() ?? '';
    case 'http':
      return local.toHTTP() ?? '';
    case 'sql':
      return local.toSQL() ?? '';
    case 'relative':
      return local.toRelative({ base: DateTime.fromJSDate(options.now, { zone: date.zone }) }) ?? '';
    case 'pattern':
      return local.toFormat(options.pattern ?? '');
    default:
      return local.toLocaleString(PRESETS[options.format]);
  }
}

/** A date taken apart, for the `parse` operation: the parts a later step usually wants. */
export function dateParts(date: DateTime, locale: string) {
  const local = date.setLocale(locale);
  return {
    iso: local.toISO(),
    unixSeconds: local.toUnixInteger(),
    unixMillis: local.toMillis(),
    zone: local.zoneName,
    offset: local.toFormat('ZZ'),
    year: local.year,
    quarter: local.quarter,
    month: local.month,
    monthName: local.monthLong,
    day: local.day,
    weekday: local.weekday,
    weekdayName: local.weekdayLong,
    weekNumber: local.weekNumber,
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    millisecond: local.millisecond,
    daysInMonth: local.daysInMonth,
    isInDST: local.isInDST,
  };
}
