import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Ticket created ──▶ By priority ──urgent──▶ Page on-call
 *                                  ──high────▶ Post to support chat
 *                                  ──default─▶ Add to the queue
 */
export default defineTemplate({
  slug: 'route-support-tickets',
  title: 'Route support tickets by priority',
  description:
    'Sends each new ticket where it belongs: urgent ones page the on-call engineer, high ones go to the support channel, and the rest join the help-desk queue.',
  category: 'Operations',
  tags: ['Webhook', 'Switch', 'HTTP'],
  graph: {
    nodes: [
      step('hook', 'trigger.webhook', 'Ticket created', { x: column(0), y: 0 }, { method: 'POST', path: 'tickets' }),
      step(
        'priority',
        'condition.switch',
        'By priority',
        { x: column(1), y: 0 },
        {
          value: '{{ String(input.body.priority ?? "").toLowerCase() }}',
          cases: [
            { port: 'urgent', operator: 'equals', value: 'urgent' },
            { port: 'high', operator: 'equals', value: 'high' },
          ],
        },
      ),
      step(
        'page',
        'action.http',
        'Page on-call',
        { x: column(2), y: -120 },
        {
          method: 'POST',
          url: 'https://oncall.example.com/api/pages',
          body: { summary: 'Urgent ticket: {{ trigger.body.subject }}', ticketId: '{{ trigger.body.id }}' },
        },
      ),
      step(
        'chat',
        'action.http',
        'Post to support chat',
        { x: column(2), y: 0 },
        {
          method: 'POST',
          url: 'https://hooks.slack.com/services/T00000000/B00000000/REPLACE-ME',
          body: { text: 'High-priority ticket #{{ trigger.body.id }}: {{ trigger.body.subject }}' },
        },
      ),
      step(
        'queue',
        'action.http',
        'Add to the queue',
        { x: column(2), y: 120 },
        {
          method: 'POST',
          url: 'https://helpdesk.example.com/api/queue',
          body: { ticketId: '{{ trigger.body.id }}', subject: '{{ trigger.body.subject }}' },
        },
      ),
    ],
    edges: [
      link('hook', 'priority'),
      link('priority', 'page', 'urgent'),
      link('priority', 'chat', 'high'),
      link('priority', 'queue', 'default'),
    ],
  },
});
