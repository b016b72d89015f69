import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { describeValue, listField, readList } from '../lists/list-value.ts';
import { isPlainObject, valueAt } from '../paths.ts';
import { delimiterField, delimiterOf } from './csv-options.ts';

export default defineNode({
  type: 'transform.csvBuild',
  kind: 'transform',
  title: 'Build CSV',
  description: 'Writes a list of rows out as CSV text.',
  icon: 'sheet',
  docs: [
    'The list comes from an expression, by default the input itself (`{{ input }}`), e.g. the output of Parse CSV or `{{ input.orders }}`. The output is `{ "csv": "…" }`: send it on with `{{ input.csv }}` in an HTTP request’s body or a Respond to webhook node.',
    'Rows that are objects are written by columns: the ones you list (a column may be a dot path such as `customer.name`), or else every field any row has, in the order they first appear. A header row of the column names comes first unless you turn it off. Rows that are lists are written as they are (with a header row only when columns are listed).',
    'Texts are written as they are and numbers as digits; true and false as `true` and `false`; a missing value or null as an empty field; an object or list as its JSON. A field holding the delimiter, a quote or a line break is quoted, a quote inside doubled, so Parse CSV reads back exactly what was written.',
    '"Escape formulas" puts a `\'` before a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return, so a spreadsheet opening the file does not run it as a formula (turn it on for files people open in Excel; it also changes negative numbers such as `-5`). At most 100,000 rows are written.',
  ].join('\n\n'),
  config: z.strictObject({
    items: listField('The rows to write, e.g. {{ input.orders }}'),
    columns: z
      .array(z.string().min(1).max(500))
      .max(1000)
      .default([])
      .describe('The columns, in order, e.g. id or customer.name (none: every field of the rows)'),
    header: z.boolean().default(true).describe('Write a first row of the column names'),
    delimiter: delimiterField,
    escapeFormulas: z
      .boolean()
      .default(false)
      .describe('Put a quote before values starting with = + - @, so spreadsheets do not run them'),
  }),
  async execute({ config, ctx }) {
    // Loaded by the first run of a CSV node, not by every process that loads the catalogue.
    const { stringify } = await import('csv-stringify/sync');
    const items = readList(await ctx.evaluate(config.items), 'items');
    const objects = items.length > 0 && !Array.isArray(items[0]);
    for (const [index, item] of items.entries()) {
      if (objects ? !isPlainObject(item) : !Array.isArray(item)) {
        throw new NonRetryableError(
          `config.items: item ${index + 1} is ${describeValue(item)}, but the rows are ${objects ? 'objects' : 'lists'}; every row must be an object, or every row a list`,
        );
      }
    }
    const columns = config.columns.length > 0 ? config.columns : objects ? fieldsOf(items) : [];
    const records = items.map((item) =>
      Array.isArray(item) ? item.map(cell) : columns.map((column) => cell(columnValue(item, column))),
    );
    const headerRow = config.header && columns.length > 0 ? [columns] : [];
    const csv = stringify([...headerRow, ...records], {
      delimiter: delimiterOf(config.delimiter),
      escape_formulas: config.escapeFormulas,
    });
    return { output: { csv } };
  },
});

/** Every field name the rows have, in the order each first appears. */
function fieldsOf(rows: readonly unknown[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row as object)) names.add(name);
  return [...names];
}

/** A row's field named exactly `column` (Parse CSV's `a.b`), else the value at the dot path. */
function columnValue(row: unknown, column: string): unknown {
  return isPlainObject(row) && Object.hasOwn(row, column) ? row[column] : valueAt(row, column);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
