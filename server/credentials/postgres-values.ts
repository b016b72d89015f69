import pg from 'pg';

/*
 * What a row's values become in a step's output, which is JSON: pg's own conversions where they are
 * JSON already (text, numbers, booleans, json/jsonb parsed, arrays as lists), and for the rest:
 *   - bigint (int8) and numeric stay strings, pg's default: a JavaScript number would round them;
 *   - timestamptz becomes an ISO-8601 text in UTC ("2024-05-01T12:00:00.000Z");
 *   - timestamp (no zone), date, time and interval stay as PostgreSQL writes them: they name no
 *     moment, so converting them through the worker's own zone would change their meaning;
 *   - bytea becomes base64 text;
 *   - infinite timestamps become "infinity" / "-infinity".
 */

const { builtins } = pg.types;

/** Types whose text form is the most faithful JSON value: returned as the server wrote it. */
const AS_TEXT = new Set<number>([
  builtins.DATE,
  builtins.TIMESTAMP,
  builtins.INTERVAL,
  1115, // timestamp[]
  1182, // date[]
  1187, // interval[]
]);

/** Parsers for one connection: pg's defaults except the types kept as text (AS_TEXT). */
export const postgresTypeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (AS_TEXT.has(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** A parsed value as plain JSON (see above): Dates, Buffers and non-finite numbers made text. */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'infinity' : '-infinity';
  }
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonValue(item)]));
  }
  return value;
}
