import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Mondays at 9 ──▶ Fetch open invoices ──▶ Overdue ──▶ Per customer ──▶ Largest first ──▶ Post digest
 */
export default defineTemplate({
  slug: 'overdue-invoices-digest',
  title: 'Weekly overdue-invoices digest',
  description:
    'Every Monday at 09:00 New York time, lists the open invoices past their due date, totals them per customer, and posts the biggest debts first to the finance channel.',
  category: 'Reports',
  tags: ['Schedule', 'HTTP', 'Filter', 'Aggregate', 'Sort'],
  credentials: [
    {
      node: 'fetch',
      field: 'credentialId',
      types: ['bearer', 'basic', 'header', 'query'],
      optional: true,
      purpose: 'Your billing system’s API key',
    },
  ],
  graph: {
    nodes: [
      step(
        'schedule',
        'trigger.schedule',
        'Mondays at 9',
        { x: column(0), y: 0 },
        { cron: '0 9 * * 1', timezone: 'America/New_York' },
      ),
      step(
        'fetch',
        'action.http',
        'Fetch open invoices',
        { x: column(1), y: 0 },
        { method: 'GET', url: 'https://billing.example.com/api/invoices', query: { status: 'open' } },
      ),
      step(
        'overdue',
        'transform.filter',
        'Overdue',
        { x: column(2), y: 0 },
        {
          items: '{{ input.body.invoices }}',
          rules: [{ field: 'dueDate', operator: 'lessThan', value: '{{ trigger.scheduledFor }}' }],
        },
      ),
      step(
        'per-customer',
        'transform.aggregate',
        'Per customer',
        { x: column(3), y: 0 },
        {
          groupBy: ['customer'],
          operations: [
            { operation: 'count', as: 'invoices' },
            { operation: 'sum', field: 'amount', as: 'owed' },
          ],
        },
      ),
      step(
        'sort',
        'transform.sort',
        'Largest first',
        { x: column(4), y: 0 },
        { keys: [{ field: 'owed', direction: 'descending' }] },
      ),
      step(
        'post',
        'action.http',
        'Post digest',
        { x: column(5), y: 0 },
        {
          method: 'POST',
          url: 'https://hooks.slack.com/services/T00000000/B00000000/REPLACE-ME',
          body: {
            text: 'Overdue invoices this week:\n{{ input.map((row) => "• " + row.customer + ": " + row.owed.toFixed(2) + " (" + row.invoices + " invoices)").join("\\n") || "none, well done" }}',
          },
        },
      ),
    ],
    edges: [
      link('schedule', 'fetch'),
      link('fetch', 'overdue'),
      link('overdue', 'per-customer'),
      link('per-customer', 'sort'),
      link('sort', 'post'),
    ],
  },
});
