import { column, defineTemplate, link, step } from './define.ts';

/*
 *   New orders ──▶ Each order ══body══▶ [ Upsert in CRM ] ──▶ Each order ──done──▶ Summary
 */
export default defineTemplate({
  slug: 'sync-new-orders',
  title: 'Sync new orders to your CRM',
  description:
    'Receives a batch of orders on a webhook and creates or updates each one in your CRM, four at a time, then answers the caller with how many were synced. A failed order can be retried alone.',
  category: 'Sales & CRM',
  tags: ['Webhook', 'Loop', 'HTTP'],
  credentials: [
    {
      node: 'upsert',
      field: 'credentialId',
      types: ['bearer', 'basic', 'header', 'query'],
      optional: true,
      purpose: 'Your CRM’s API key',
    },
  ],
  graph: {
    nodes: [
      step(
        'hook',
        'trigger.webhook',
        'New orders',
        { x: column(0), y: 0 },
        { method: 'POST', path: 'orders/sync', respond: 'lastNode' },
      ),
      step(
        'each',
        'flow.loop',
        'Each order',
        { x: column(1), y: 0 },
        { items: '{{ input.body.orders }}', concurrency: 4 },
        { size: { width: 380, height: 200 } },
      ),
      step(
        'upsert',
        'action.http',
        'Upsert in CRM',
        { x: 72, y: 104 },
        {
          method: 'PUT',
          url: 'https://crm.example.com/api/orders/{{ item.id }}',
          body: {
            id: '{{ item.id }}',
            customer: '{{ item.customer }}',
            total: '{{ item.total }}',
            status: '{{ item.status }}',
          },
        },
        { parentId: 'each' },
      ),
      step(
        'summary',
        'transform.set',
        'Summary',
        { x: column(1) + 436, y: 0 },
        {
          fields: [
            { path: 'synced', value: '{{ input.length }}' },
            { path: 'ids', value: '{{ trigger.body.orders.map((order) => order.id) }}' },
          ],
          keepInput: false,
        },
      ),
    ],
    edges: [
      link('hook', 'each'),
      link('each', 'upsert', 'body'),
      link('upsert', 'each'),
      link('each', 'summary', 'done'),
    ],
  },
});
