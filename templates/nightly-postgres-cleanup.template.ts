import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Every night ──▶ Delete old sessions ──▶ Many removed? ──true──▶ Tell the team
 */
export default defineTemplate({
  slug: 'nightly-postgres-cleanup',
  title: 'Nightly database cleanup',
  description:
    'Every night at 03:00, deletes sessions unused for 30 days from a PostgreSQL database, and tells the team in chat when an unusually large number went.',
  category: 'Operations',
  tags: ['Schedule', 'PostgreSQL', 'If', 'HTTP'],
  credentials: [{ node: 'delete', field: 'credentialId', types: ['postgres'], purpose: 'The database to clean up' }],
  graph: {
    nodes: [
      step(
        'schedule',
        'trigger.schedule',
        'Every night',
        { x: column(0), y: 0 },
        { cron: '0 3 * * *', timezone: 'Europe/London' },
      ),
      step(
        'delete',
        'action.postgres',
        'Delete old sessions',
        { x: column(1), y: 0 },
        {
          query: 'DELETE FROM sessions WHERE last_seen_at < now() - make_interval(days => $1::int)',
          parameters: ['30'],
        },
      ),
      step(
        'many',
        'condition.if',
        'Many removed?',
        { x: column(2), y: 0 },
        { rules: [{ left: '{{ input.rowCount }}', operator: 'greaterThan', right: '10000' }] },
      ),
      step(
        'tell',
        'action.http',
        'Tell the team',
        { x: column(3), y: -40 },
        {
          method: 'POST',
          url: 'https://hooks.slack.com/services/T00000000/B00000000/REPLACE-ME',
          body: { text: 'Nightly cleanup removed {{ input.rowCount }} old sessions: more than usual.' },
        },
      ),
    ],
    edges: [link('schedule', 'delete'), link('delete', 'many'), link('many', 'tell', 'true')],
  },
});
