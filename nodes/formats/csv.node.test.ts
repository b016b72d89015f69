import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import csvBuildNode from './csv-build.node.ts';
import csvParseNode, { MAX_CSV_ROWS } from './csv-parse.node.ts';

/** Parse CSV with `text` as what its text field evaluates to (the input, by default). */
async function parseCsv(text: unknown, config: Record<string, unknown> = {}) {
  const { evaluate } = answeringTemplates({ '{{ input }}': text });
  return (
    await csvParseNode.execute({
      config: csvParseNode.config.parse(config),
      input: text,
      ctx: testContext({ evaluate }),
    })
  ).output;
}

async function buildCsv(items: unknown, config: Record<string, unknown> = {}): Promise<string> {
  const { evaluate } = answeringTemplates({ '{{ input }}': items });
  const { output } = await csvBuildNode.execute({
    config: csvBuildNode.config.parse(config),
    input: items,
    ctx: testContext({ evaluate }),
  });
  return (output as { csv: string }).csv;
}

/** Every hard case at once: a quoted comma, a doubled quote, a line break, in a quoted field each. */
const hard = [
  'name,note,city',
  '"Smith, Jr.",plain,Paris',
  'Ada,"She said ""hi""",London',
  'Grace,"two',
  'lines",Arlington',
].join('\n');
const hardRows = [
  { name: 'Smith, Jr.', note: 'plain', city: 'Paris' },
  { name: 'Ada', note: 'She said "hi"', city: 'London' },
  { name: 'Grace', note: 'two\nlines', city: 'Arlington' },
];

describe('parse CSV config', () => {
  it('reads the input, with headers, commas, double quotes, empty lines skipped, by default', () => {
    expect(csvParseNode.config.parse({})).toEqual({
      text: '{{ input }}',
      headers: true,
      delimiter: ',',
      quote: '"',
      skipEmptyLines: true,
      trim: false,
    });
  });

  it('refuses a quote that is part of the delimiter, a line break, an empty delimiter, naming each field', () => {
    expect(issuePaths(csvParseNode.config, { delimiter: ';', quote: ';' })).toEqual([['quote']]);
    expect(issuePaths(csvParseNode.config, { quote: '\n' })).toEqual([['quote']]);
    expect(issuePaths(csvParseNode.config, { delimiter: '' })).toEqual([['delimiter']]);
    expect(issuePaths(csvParseNode.config, { delimiter: ',\n' })).toEqual([['delimiter']]);
    expect(issuePaths(csvParseNode.config, { quote: "''" })).toEqual([['quote']]);
  });
});

describe('parse CSV', () => {
  it('reads quoted commas, doubled quotes and line breaks inside fields', async () => {
    expect(await parseCsv(hard)).toEqual(hardRows);
  });

  it('gives lists of values, the header row included, with headers off', async () => {
    expect(await parseCsv('a,b\n1,2\n', { headers: false })).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps values as the text they are, leading zeros included', async () => {
    expect(await parseCsv('zip,qty\n01234,007\n')).toEqual([{ zip: '01234', qty: '007' }]);
  });

  it('reads another delimiter, a tab written as \\t, another quote character, trimmed fields', async () => {
    expect(await parseCsv('a;b\n"x;y";2', { delimiter: ';' })).toEqual([{ a: 'x;y', b: '2' }]);
    expect(await parseCsv('a\tb\n1\t2', { delimiter: '\\t' })).toEqual([{ a: '1', b: '2' }]);
    expect(await parseCsv("a,b\n'x,y',2", { quote: "'" })).toEqual([{ a: 'x,y', b: '2' }]);
    expect(await parseCsv('a , b\n 1 , " 2 "', { trim: true })).toEqual([{ a: '1', b: ' 2 ' }]);
    expect(await parseCsv('a,b\n"x",2', { quote: '' })).toEqual([{ a: '"x"', b: '2' }]);
  });

  it('skips empty lines unless told not to, and drops a byte-order mark', async () => {
    const text = '\uFEFFa,b\r\n1,2\r\n\r\n3,4\r\n';
    expect(await parseCsv(text)).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ]);
    await expect(parseCsv(text, { skipEmptyLines: false })).rejects.toThrow(
      'config.text: the CSV cannot be read: Invalid Record Length: expect 2, got 1 on line 3',
    );
  });

  it('gives an empty list for an empty text or a header row alone', async () => {
    expect(await parseCsv('')).toEqual([]);
    expect(await parseCsv('a,b\n')).toEqual([]);
    expect(await parseCsv('', { headers: false })).toEqual([]);
  });

  it('names an empty header by its position, and refuses a header named twice or a prototype key', async () => {
    expect(await parseCsv('a,,c\n1,2,3')).toEqual([{ a: '1', column2: '2', c: '3' }]);
    const twice = parseCsv('id,name,id\n1,Ada,2');
    await expect(twice).rejects.toThrow(NonRetryableError);
    await expect(twice).rejects.toThrow('config.text: the header row names "id" twice (columns 1 and 3)');
    await expect(parseCsv('__proto__,b\n1,2')).rejects.toThrow(
      'config.text: the header "__proto__" (column 1) cannot name a field',
    );
  });

  it('fails without retrying on a broken CSV, naming the field and the line', async () => {
    const unclosed = parseCsv('a,b\n1,"2\n3,4');
    await expect(unclosed).rejects.toThrow(NonRetryableError);
    await expect(unclosed).rejects.toThrow(
      'config.text: the CSV cannot be read: Quote Not Closed: the parsing is finished with an opening quote at line 3',
    );
    await expect(parseCsv('a,b\n1,2,3')).rejects.toThrow(
      'config.text: the CSV cannot be read: Invalid Record Length: expect 2, got 3 on line 2',
    );
    await expect(parseCsv('a,b\n"1"x,2')).rejects.toThrow(/Invalid Closing Quote: got "x" at line 2/);
  });

  it('fails on anything but text, naming the field', async () => {
    await expect(parseCsv({ rows: [] })).rejects.toThrow(
      'config.text: expected text (or an uploaded file), got an object: {"rows":[]}',
    );
    await expect(parseCsv(undefined)).rejects.toThrow(
      'config.text: expected text (or an uploaded file), got nothing (the expression gave no value)',
    );
  });

  it('reads an uploaded file, decoding its base64 content as UTF-8', async () => {
    const content = Buffer.from('name,city\nZoë,Zürich\n', 'utf8').toString('base64');
    const file = { field: 'upload', name: 'people.csv', type: 'text/csv', size: 22, content };
    expect(await parseCsv(file)).toEqual([{ name: 'Zoë', city: 'Zürich' }]);
    const latin1 = { ...file, content: Buffer.from('name\nZoë\n', 'latin1').toString('base64') };
    await expect(parseCsv(latin1)).rejects.toThrow('config.text: the file "people.csv" is not UTF-8 text');
    await expect(parseCsv({ ...file, content: '%%%' })).rejects.toThrow(
      'config.text: the file "people.csv" has content that is not base64',
    );
  });

  it('reads up to 100,000 rows and refuses more, naming the field', async () => {
    const rows = (count: number) => `n\n${Array.from({ length: count }, (_, index) => index).join('\n')}`;
    expect(await parseCsv(rows(MAX_CSV_ROWS))).toHaveLength(MAX_CSV_ROWS);
    await expect(parseCsv(rows(MAX_CSV_ROWS + 1))).rejects.toThrow(
      'config.text: the CSV has more than 100,000 rows, the most a CSV node reads',
    );
    expect(await parseCsv(rows(MAX_CSV_ROWS - 1), { headers: false })).toHaveLength(MAX_CSV_ROWS);
  });
});

describe('build CSV', () => {
  it('writes every field of the rows in the order they first appear, under a header row', async () => {
    const csv = await buildCsv([{ id: 1, name: 'Ada' }, { id: 2, city: 'Paris' }, { name: 'Grace' }]);
    expect(csv).toBe('id,name,city\n1,Ada,\n2,,Paris\n,Grace,\n');
  });

  it('writes the columns asked for, dot paths into nested objects too, with or without a header row', async () => {
    const rows = [{ id: 7, customer: { name: 'Ada' }, 'a.b': 'flat' }];
    expect(await buildCsv(rows, { columns: ['customer.name', 'id', 'a.b'] })).toBe(
      'customer.name,id,a.b\nAda,7,flat\n',
    );
    expect(await buildCsv(rows, { columns: ['id'], header: false })).toBe('7\n');
  });

  it('writes true, false, null, objects and lists readably, with another delimiter', async () => {
    const rows = [{ ok: true, no: false, none: null, tags: ['a', 'b'], n: 1.5 }];
    expect(await buildCsv(rows, { delimiter: ';' })).toBe('ok;no;none;tags;n\ntrue;false;;"[""a"",""b""]";1.5\n');
    expect(await buildCsv(rows, { delimiter: '\\t', columns: ['ok', 'n'] })).toBe('ok\tn\ntrue\t1.5\n');
  });

  it('writes rows that are lists as they are, with a header only when columns are listed', async () => {
    const rows = [
      ['a', 1],
      ['b', 2],
    ];
    expect(await buildCsv(rows)).toBe('a,1\nb,2\n');
    expect(await buildCsv(rows, { columns: ['letter', 'number'] })).toBe('letter,number\na,1\nb,2\n');
  });

  it('escapes formulas only when asked to', async () => {
    const rows = [{ cell: '=HYPERLINK("http://evil")' }, { cell: '-5' }];
    expect(await buildCsv(rows)).toBe('cell\n"=HYPERLINK(""http://evil"")"\n-5\n');
    expect(await buildCsv(rows, { escapeFormulas: true })).toBe('cell\n"\'=HYPERLINK(""http://evil"")"\n\'-5\n');
  });

  it('gives an empty text for an empty list', async () => {
    expect(await buildCsv([])).toBe('');
  });

  it('fails on mixed rows or rows that are neither, naming the item from 1', async () => {
    await expect(buildCsv([{ a: 1 }, ['b']])).rejects.toThrow(
      'config.items: item 2 is a list: ["b"], but the rows are objects; every row must be an object, or every row a list',
    );
    await expect(buildCsv(['text'])).rejects.toThrow(
      'config.items: item 1 is a string: "text", but the rows are objects',
    );
    await expect(buildCsv({ a: 1 })).rejects.toThrow('config.items: expected a list, got an object: {"a":1}');
  });
});

describe('CSV round trip', () => {
  it('parses, builds and parses again to the same rows, hard cases included', async () => {
    const rows = await parseCsv(hard);
    const csv = await buildCsv(rows);
    expect(await parseCsv(csv)).toEqual(hardRows);
    expect(csv).toBe(
      'name,note,city\n"Smith, Jr.",plain,Paris\nAda,"She said ""hi""",London\nGrace,"two\nlines",Arlington\n',
    );
  });

  it('round-trips with a semicolon delimiter and rows as lists', async () => {
    const lists = await parseCsv(hard, { headers: false });
    const csv = await buildCsv(lists, { delimiter: ';' });
    expect(await parseCsv(csv, { headers: false, delimiter: ';' })).toEqual(lists);
  });
});
