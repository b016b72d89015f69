import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Weekdays at 8 ──▶ Date ──▶ Fetch figures ──▶ Email report
 */
export default defineTemplate({
  slug: 'daily-report-email',
  title: 'Daily report by email',
  description:
    'Every weekday at 08:00 Paris time, fetches yesterday’s figures from your reporting API and emails them to the team as a short HTML report.',
  category: 'Reports',
  tags: ['Schedule', 'HTTP', 'Email'],
  credentials: [
    { node: 'send', field: 'credentialId', types: ['smtp'], purpose: 'The mail server that sends the report' },
    {
      node: 'fetch',
      field: 'credentialId',
      types: ['bearer', 'header'],
      optional: true,
      purpose: 'Your reporting API’s token, if it asks for one',
    },
  ],
  graph: {
    nodes: [
      step(
        'schedule',
        'trigger.schedule',
        'Weekdays at 8',
        { x: column(0), y: 0 },
        { cron: '0 8 * * 1-5', timezone: 'Europe/Paris' },
      ),
      step(
        'date',
        'transform.formatDate',
        'Date',
        { x: column(1), y: 0 },
        {
          value: '{{ trigger.scheduledFor }}',
          format: 'date',
          timeZone: 'Europe/Paris',
          locale: 'en-GB',
          field: 'day',
        },
      ),
      step(
        'fetch',
        'action.http',
        'Fetch figures',
        { x: column(2), y: 0 },
        {
          method: 'GET',
          url: 'https://reports.example.com/api/daily',
          query: { before: '{{ trigger.scheduledFor }}' },
        },
      ),
      step(
        'send',
        'action.email',
        'Email report',
        { x: column(3), y: 0 },
        {
          to: 'team@example.com',
          subject: 'Daily report, {{ steps.Date.output.day }}',
          html: [
            '<h2>Daily report, {{ steps.Date.output.day }}</h2>',
            '<p>Orders: <b>{{ input.body.orders }}</b></p>',
            '<p>Revenue: <b>{{ input.body.revenue }}</b></p>',
            '<p>New customers: <b>{{ input.body.newCustomers }}</b></p>',
          ].join('\n'),
        },
      ),
    ],
    edges: [link('schedule', 'date'), link('date', 'fetch'), link('fetch', 'send')],
  },
});
