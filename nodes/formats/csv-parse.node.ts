import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { MAX_LIST_ITEMS } from '../lists/list-value.ts';
import { FORBIDDEN_KEYS } from '../paths.ts';
import { delimiterField, delimiterOf } from './csv-options.ts';
import { readText, textField } from './text-value.ts';

/** The most rows a CSV node reads or writes: as many as a list node takes. */
export const MAX_CSV_ROWS = MAX_LIST_ITEMS;

export default defineNode({
  type: 'transform.csvParse',
  kind: 'transform',
  title: 'Parse CSV',
  description: 'Reads CSV text (or an uploaded CSV file) into a list of rows.',
  icon: 'file-spreadsheet',
  docs: [
    'The text comes from an expression, by default the input itself (`{{ input }}`): a webhook that receives `text/csv` hands its body over as text, `{{ trigger.body }}`. An uploaded file (`{{ trigger.body.files[0] }}` from a multipart webhook) is read too, its content decoded as UTF-8.',
    'With "first row is headers" each row becomes an object named by the header row: `name,email` then `Ada,ada@example.com` gives `[{ "name": "Ada", "email": "ada@example.com" }]`. An empty header is named by its position (`column3`); a header named twice fails the step. Without it each row is a list of its values, the first row included: `[["name", "email"], ["Ada", "ada@example.com"]]`.',
    'Values are always text, as written: `0012` stays `"0012"`. The list nodes and conditions compare numbers written as text as numbers.',
    'A field holding the delimiter, a line break or the quote character is written inside quotes, a quote inside such a field doubled: `"Smith, ""Jr."""`. A byte-order mark at the start (Excel writes one) is dropped. Every row needs as many fields as the first; a row with more or fewer, or a quote never closed, fails the step naming its line.',
    'At most 100,000 rows are read; a longer CSV fails the step (split it up before it reaches the workflow).',
  ].join('\n\n'),
  config: z
    .strictObject({
      text: textField('The CSV text, e.g. {{ trigger.body }}, or an uploaded file, e.g. {{ trigger.body.files[0] }}'),
      headers: z
        .boolean()
        .default(true)
        .describe('The first row names the fields: rows become objects (on) or lists of values (off)')
        .meta({ title: 'First row is headers' }),
      delimiter: delimiterField,
      quote: z
        .string()
        .max(1)
        .default('"')
        .describe('The character around fields that hold the delimiter or a line break (empty: no quoting)'),
      skipEmptyLines: z.boolean().default(true).describe('Leave out lines with nothing on them'),
      trim: z.boolean().default(false).describe('Remove spaces around each field (inside quotes they are kept)'),
    })
    .superRefine((config, ctx) => {
      if (config.quote !== '' && delimiterOf(config.delimiter).includes(config.quote)) {
        ctx.addIssue({ code: 'custom', path: ['quote'], message: 'must differ from the delimiter' });
      }
      if (/[\r\n]/.test(config.quote)) {
        ctx.addIssue({ code: 'custom', path: ['quote'], message: 'must not be a line break' });
      }
    }),
  async execute({ config, ctx }) {
    // Loaded by the first run of a CSV node, not by every process that loads the catalogue.
    const { CsvError, parse } = await import('csv-parse/sync');
    const text = readText(await ctx.evaluate(config.text), 'text');
    const headerRows = config.headers ? 1 : 0;
    let rows: string[][];
    try {
      rows = parse(text, {
        delimiter: delimiterOf(config.delimiter),
        quote: config.quote === '' ? false : config.quote,
        skip_empty_lines: config.skipEmptyLines,
        trim: config.trim,
        bom: true,
        // One row past the limit is enough to tell the CSV is too long, without reading all of it.
        to: MAX_CSV_ROWS + headerRows + 1,
      });
    } catch (error) {
      if (error instanceof CsvError)
        throw new NonRetryableError(`config.text: the CSV cannot be read: ${error.message}`);
      throw error;
    }
    if (rows.length - headerRows > MAX_CSV_ROWS) {
      throw new NonRetryableError(
        `config.text: the CSV has more than ${MAX_CSV_ROWS.toLocaleString('en-US')} rows, the most a CSV node reads`,
      );
    }
    if (!config.headers) return { output: rows };
    const [header, ...records] = rows;
    if (header === undefined) return { output: [] };
    const names = fieldNames(header);
    return { output: records.map((record) => Object.fromEntries(names.map((name, index) => [name, record[index]]))) };
  },
});

/** The header row's names as field names: an empty one named by its position, duplicates refused. */
function fieldNames(header: readonly string[]): string[] {
  const names = header.map((name, index) => (name === '' ? `column${index + 1}` : name));
  for (const [index, name] of names.entries()) {
    if (FORBIDDEN_KEYS.has(name)) {
      throw new NonRetryableError(`config.text: the header "${name}" (column ${index + 1}) cannot name a field`);
    }
    const first = names.indexOf(name);
    if (first !== index) {
      throw new NonRetryableError(
        `config.text: the header row names "${name}" twice (columns ${first + 1} and ${index + 1}); rename one, or turn "first row is headers" off`,
      );
    }
  }
  return names;
}
