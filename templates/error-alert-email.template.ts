import { column, defineTemplate, link, step } from './define.ts';

/*
 *   When a run fails ──▶ Email the team
 */
export default defineTemplate({
  slug: 'error-alert-email',
  title: 'Email when a workflow fails',
  description:
    'An error workflow: name it in another workflow’s settings and each failed production run sends an email with the workflow, the failed step, the error and a link to the run.',
  category: 'Alerts',
  tags: ['Error trigger', 'Email'],
  credentials: [
    { node: 'send', field: 'credentialId', types: ['smtp'], purpose: 'The mail server that sends the alert' },
  ],
  graph: {
    nodes: [
      step('failed', 'trigger.error', 'When a run fails', { x: column(0), y: 0 }),
      step(
        'send',
        'action.email',
        'Email the team',
        { x: column(1), y: 0 },
        {
          to: 'oncall@example.com',
          subject: 'Failed: {{ input.workflow.name }}',
          text: [
            'The workflow “{{ input.workflow.name }}” failed{{ input.failedStep ? " at the step “" + input.failedStep.name + "”" : "" }}.',
            '',
            'Error: {{ input.error.message }}',
            '',
            'Open the run: {{ input.execution.url }}',
          ].join('\n'),
        },
      ),
    ],
    edges: [link('failed', 'send')],
  },
});
