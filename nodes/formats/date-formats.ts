/**
 * The formats the Date & time node reads and writes, by name: its config schema needs them when
 * the catalogue loads, while luxon, which reads and writes them (date-read.ts, date-write.ts), loads
 * with the node's first run.
 */

/** How a date is written where the node reads it. `auto` tries the usual ones in turn. */
export const INPUT_FORMATS = ['auto', 'iso', 'unixSeconds', 'unixMillis', 'pattern', 'rfc2822', 'http', 'sql'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Presets written in the language of the locale, as luxon (and Intl) spell them (date-write.ts maps each). */
export const PRESET_FORMATS = [
  'dateShort',
  'dateMedium',
  'dateLong',
  'dateFull',
  'time',
  'timeWithSeconds',
  'dateTimeShort',
  'dateTimeMedium',
  'dateTimeLong',
] as const;
export type PresetFormat = (typeof PRESET_FORMATS)[number];

/** How a date the node works out is written in its output. */
export const OUTPUT_FORMATS = [
  'iso',
  'isoDate',
  'unixSeconds',
  'unixMillis',
  'rfc2822',
  'http',
  'sql',
  ...PRESET_FORMATS,
  'relative',
  'pattern',
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
