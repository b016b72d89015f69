import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Start by hand ──▶ Each record ══body══▶ [ Reprocess ] ──▶ Each record ──done──▶ Report
 */
export default defineTemplate({
  slug: 'backfill-in-batches',
  title: 'Reprocess records in batches',
  description:
    'Run it by hand with a list of record ids: each one is sent to your API again, 50 at a time with a 10-second pause between batches so rate limits hold; failures are collected, not fatal.',
  category: 'Data',
  tags: ['Manual', 'Loop', 'Batches', 'HTTP'],
  credentials: [
    {
      node: 'reprocess',
      field: 'credentialId',
      types: ['bearer', 'basic', 'header', 'query'],
      optional: true,
      purpose: 'Your API’s key',
    },
  ],
  graph: {
    nodes: [
      step(
        'start',
        'trigger.manual',
        'Start by hand',
        { x: column(0), y: 0 },
        {
          fields: [{ name: 'ids', type: 'array', required: true, description: 'The ids of the records to reprocess' }],
        },
      ),
      step(
        'each',
        'flow.loop',
        'Each record',
        { x: column(1), y: 0 },
        { items: '{{ input.ids }}', concurrency: 5, batchSize: 50, pauseSeconds: 10, onItemError: 'collect' },
        { size: { width: 380, height: 200 } },
      ),
      step(
        'reprocess',
        'action.http',
        'Reprocess',
        { x: 72, y: 104 },
        { method: 'POST', url: 'https://api.example.com/records/{{ item }}/reprocess' },
        { parentId: 'each' },
      ),
      step(
        'report',
        'transform.set',
        'Report',
        { x: column(1) + 436, y: 0 },
        {
          fields: [
            { path: 'requested', value: '{{ trigger.ids.length }}' },
            { path: 'failed', value: '{{ input.filter((result) => result && result.error).length }}' },
          ],
          keepInput: false,
        },
      ),
    ],
    edges: [
      link('start', 'each'),
      link('each', 'reprocess', 'body'),
      link('reprocess', 'each'),
      link('each', 'report', 'done'),
    ],
  },
});
