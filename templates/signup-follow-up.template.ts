import { column, defineTemplate, link, step } from './define.ts';

/*
 *   New signup ──▶ Wait 3 days ──▶ Check activity ──▶ Still inactive? ──true──▶ Send a nudge
 */
export default defineTemplate({
  slug: 'signup-follow-up',
  title: 'Nudge new users who have not started',
  description:
    'Three days after someone signs up, checks whether they created anything; if not, sends them a getting-started message through your mailing service.',
  category: 'Sales & CRM',
  tags: ['Webhook', 'Delay', 'If', 'HTTP'],
  credentials: [
    {
      node: 'nudge',
      field: 'credentialId',
      types: ['bearer', 'basic', 'header'],
      optional: true,
      purpose: 'Your mailing service’s API key',
    },
  ],
  graph: {
    nodes: [
      step('hook', 'trigger.webhook', 'New signup', { x: column(0), y: 0 }, { method: 'POST', path: 'signups' }),
      step('wait', 'flow.delay', 'Wait 3 days', { x: column(1), y: 0 }, { amount: 3, unit: 'days' }),
      step(
        'activity',
        'action.http',
        'Check activity',
        { x: column(2), y: 0 },
        { method: 'GET', url: 'https://app.example.com/api/users/{{ trigger.body.userId }}/activity' },
      ),
      step(
        'inactive',
        'condition.if',
        'Still inactive?',
        { x: column(3), y: 0 },
        { rules: [{ left: '{{ input.body.projects }}', operator: 'equals', right: '0' }] },
      ),
      step(
        'nudge',
        'action.http',
        'Send a nudge',
        { x: column(4), y: -40 },
        {
          method: 'POST',
          url: 'https://mail.example.com/api/send',
          body: { to: '{{ trigger.body.email }}', template: 'getting-started', name: '{{ trigger.body.name }}' },
        },
      ),
    ],
    edges: [
      link('hook', 'wait'),
      link('wait', 'activity'),
      link('activity', 'inactive'),
      link('inactive', 'nudge', 'true'),
    ],
  },
});
