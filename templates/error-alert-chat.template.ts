import { column, defineTemplate, link, step } from './define.ts';

/*
 *   When a run fails ──▶ Post to chat
 */
export default defineTemplate({
  slug: 'error-alert-chat',
  title: 'Post failed runs to a chat channel',
  description:
    'An error workflow: each failed production run of a workflow that names it posts the workflow, the error and a link to the run to a Slack-style incoming webhook.',
  category: 'Alerts',
  tags: ['Error trigger', 'HTTP', 'Slack'],
  graph: {
    nodes: [
      step('failed', 'trigger.error', 'When a run fails', { x: column(0), y: 0 }),
      step(
        'post',
        'action.http',
        'Post to chat',
        { x: column(1), y: 0 },
        {
          method: 'POST',
          // Your channel's incoming-webhook address.
          url: 'https://hooks.slack.com/services/T00000000/B00000000/REPLACE-ME',
          body: {
            text: ':rotating_light: *{{ input.workflow.name }}* failed: {{ input.error.message }} <{{ input.execution.url }}|Open the run>',
          },
        },
      ),
    ],
    edges: [link('failed', 'post')],
  },
});
