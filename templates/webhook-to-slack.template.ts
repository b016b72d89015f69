import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Event received ──▶ Message ──▶ Post to Slack
 */
export default defineTemplate({
  slug: 'webhook-to-slack',
  title: 'Forward a webhook to Slack',
  description:
    'Turns any JSON sent to a webhook (a form, a deploy, a payment) into a readable message and posts it to a Slack-style incoming-webhook URL.',
  category: 'Operations',
  tags: ['Webhook', 'HTTP', 'Slack'],
  graph: {
    nodes: [
      step('hook', 'trigger.webhook', 'Event received', { x: column(0), y: 0 }, { method: 'POST', path: 'notify' }),
      step(
        'message',
        'transform.set',
        'Message',
        { x: column(1), y: 0 },
        {
          fields: [
            {
              path: 'text',
              value:
                '*{{ input.body.title ?? "New event" }}*\n{{ input.body.message ?? JSON.stringify(input.body, null, 2) }}',
            },
          ],
          keepInput: false,
        },
      ),
      step(
        'post',
        'action.http',
        'Post to Slack',
        { x: column(2), y: 0 },
        {
          method: 'POST',
          // Your channel's incoming-webhook address.
          url: 'https://hooks.slack.com/services/T00000000/B00000000/REPLACE-ME',
          body: { text: '{{ input.text }}' },
        },
      ),
    ],
    edges: [link('hook', 'message'), link('message', 'post')],
  },
});
