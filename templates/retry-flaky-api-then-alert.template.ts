import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Every 15 minutes ──▶ Fetch stock levels ──▶ Update the shop
 *                              └──error──▶ Alert by email      (after 5 tries)
 */
export default defineTemplate({
  slug: 'retry-flaky-api-then-alert',
  title: 'Retry a flaky API, then alert',
  description:
    'Copies stock levels from a supplier to your shop every 15 minutes. The supplier’s API is tried up to 5 times with growing pauses; if it still fails, you get an email instead of a failed run.',
  category: 'Alerts',
  tags: ['Schedule', 'HTTP', 'Retry', 'Error path', 'Email'],
  credentials: [
    { node: 'alert', field: 'credentialId', types: ['smtp'], purpose: 'The mail server that sends the alert' },
    {
      node: 'fetch',
      field: 'credentialId',
      types: ['bearer', 'header', 'query'],
      optional: true,
      purpose: 'The supplier API’s key',
    },
  ],
  graph: {
    nodes: [
      step(
        'schedule',
        'trigger.schedule',
        'Every 15 minutes',
        { x: column(0), y: 0 },
        { cron: '*/15 * * * *', timezone: 'UTC' },
      ),
      step(
        'fetch',
        'action.http',
        'Fetch stock levels',
        { x: column(1), y: 0 },
        { method: 'GET', url: 'https://supplier.example.com/api/stock', timeoutMs: 10_000 },
        {
          settings: {
            onError: 'error-port',
            retry: { attempts: 5, backoff: 'exponential', delayMs: 2000, maxDelayMs: 60_000 },
          },
        },
      ),
      step(
        'update',
        'action.http',
        'Update the shop',
        { x: column(2), y: -60 },
        { method: 'PUT', url: 'https://shop.example.com/api/stock', body: '{{ input.body }}' },
      ),
      step(
        'alert',
        'action.email',
        'Alert by email',
        { x: column(2), y: 80 },
        {
          to: 'ops@example.com',
          subject: 'Stock sync failed after 5 tries',
          text: [
            'The supplier’s stock API did not answer at {{ trigger.scheduledFor }}:',
            '',
            '{{ input.error.message }}',
            '',
            'The next sync runs in 15 minutes.',
          ].join('\n'),
        },
      ),
    ],
    edges: [link('schedule', 'fetch'), link('fetch', 'update'), link('fetch', 'alert', 'error')],
  },
});
