import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Upload ──▶ Parse CSV ──▶ Each row ══body══▶ [ Row ] ──▶ Each row ──done──▶ Totals ──▶ Email summary
 */
export default defineTemplate({
  slug: 'csv-upload-summary',
  title: 'Email a CSV upload’s summary',
  description:
    'Receives a CSV file on a webhook (as text/csv or an uploaded file), tidies every row, and emails a summary: how many rows, the total amount and the largest one, with each row listed.',
  category: 'Reports',
  tags: ['CSV', 'Webhook', 'Loop', 'Email'],
  credentials: [
    { node: 'send', field: 'credentialId', types: ['smtp'], purpose: 'The mail server that sends the summary' },
  ],
  graph: {
    nodes: [
      // POST the file as text/csv (its text is the body) or as a multipart upload (its first file).
      step('upload', 'trigger.webhook', 'Upload', { x: column(0), y: 0 }, { method: 'POST', path: 'csv-upload' }),
      step(
        'parse',
        'transform.csvParse',
        'Parse CSV',
        { x: column(1), y: 0 },
        {
          text: '{{ trigger.body.files ? trigger.body.files[0] : trigger.body }}',
          delimiter: ',',
          headers: true,
          trim: true,
        },
      ),
      step(
        'each',
        'flow.loop',
        'Each row',
        { x: column(2), y: 0 },
        { items: '{{ input }}' },
        { size: { width: 380, height: 200 } },
      ),
      step(
        'row',
        'transform.set',
        'Row',
        { x: 72, y: 104 },
        {
          fields: [
            { path: 'name', value: '{{ String(item.name ?? "").trim() }}' },
            { path: 'email', value: '{{ String(item.email ?? "").trim().toLowerCase() }}' },
            { path: 'amount', value: '{{ Number(item.amount) || 0 }}' },
          ],
          keepInput: false,
        },
        { parentId: 'each' },
      ),
      step(
        'totals',
        'transform.aggregate',
        'Totals',
        { x: column(2) + 436, y: 0 },
        {
          items: '{{ input }}',
          operations: [
            { operation: 'count', as: 'rows' },
            { operation: 'sum', field: 'amount', as: 'total' },
            { operation: 'max', field: 'amount', as: 'largest' },
          ],
        },
      ),
      step(
        'send',
        'action.email',
        'Email summary',
        { x: column(3) + 436, y: 0 },
        {
          to: 'finance@example.com',
          subject: 'CSV upload: {{ input.rows }} rows, {{ input.total.toFixed(2) }} in total',
          text: [
            'Rows: {{ input.rows }}',
            'Total amount: {{ input.total.toFixed(2) }}',
            'Largest amount: {{ input.largest }}',
            '',
            '{{ steps["Each row"].output.map((row) => row.name + " <" + row.email + ">: " + row.amount).join("\\n") }}',
          ].join('\n'),
        },
      ),
    ],
    edges: [
      link('upload', 'parse'),
      link('parse', 'each'),
      link('each', 'row', 'body'),
      link('row', 'each'),
      link('each', 'totals', 'done'),
      link('totals', 'send'),
    ],
  },
});
