import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Order placed ──▶ Missing data? ──true──▶ Reject the order   (Stop and error: the run fails, loudly)
 *                                 └─false─▶ Create in ERP
 */
export default defineTemplate({
  slug: 'check-order-or-stop',
  title: 'Check an order before importing it',
  description:
    'Refuses orders without a customer email or without lines, failing the run with a clear message (and alerting through your error workflow); good orders are created in your ERP.',
  category: 'Sales & CRM',
  tags: ['Webhook', 'If', 'Stop and error', 'HTTP'],
  credentials: [
    {
      node: 'create',
      field: 'credentialId',
      types: ['bearer', 'basic', 'header', 'query'],
      optional: true,
      purpose: 'Your ERP’s API key',
    },
  ],
  graph: {
    nodes: [
      step(
        'hook',
        'trigger.webhook',
        'Order placed',
        { x: column(0), y: 0 },
        { method: 'POST', path: 'orders/new', respond: 'lastNode' },
      ),
      step(
        'check',
        'condition.if',
        'Missing data?',
        { x: column(1), y: 0 },
        {
          combine: 'any',
          rules: [
            { left: '{{ input.body.customer?.email }}', operator: 'isEmpty' },
            { left: '{{ input.body.lines?.length ?? 0 }}', operator: 'equals', right: '0' },
          ],
        },
      ),
      step(
        'stop',
        'flow.stop',
        'Reject the order',
        { x: column(2), y: -60 },
        { message: 'Order {{ trigger.body.id }} has no customer email or no lines' },
      ),
      step(
        'create',
        'action.http',
        'Create in ERP',
        { x: column(2), y: 80 },
        { method: 'POST', url: 'https://erp.example.com/api/orders', body: '{{ trigger.body }}' },
      ),
    ],
    edges: [link('hook', 'check'), link('check', 'stop', 'true'), link('check', 'create', 'false')],
  },
});
