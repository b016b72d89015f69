import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Leads in ──▶ Normalise ──▶ Has an email ──▶ Remove duplicates ──▶ Best first ──▶ Top 50 ──▶ Send to CRM
 */
export default defineTemplate({
  slug: 'dedupe-sort-leads',
  title: 'Deduplicate and rank leads',
  description:
    'Cleans a list of leads from a form or a spreadsheet export: lower-cases emails, drops leads without one, keeps one lead per address, and sends the 50 best-scored to your CRM.',
  category: 'Sales & CRM',
  tags: ['Webhook', 'Script', 'Filter', 'Dedupe', 'Sort'],
  credentials: [
    {
      node: 'crm',
      field: 'credentialId',
      types: ['bearer', 'basic', 'header', 'query'],
      optional: true,
      purpose: 'Your CRM’s API key',
    },
  ],
  graph: {
    nodes: [
      step('hook', 'trigger.webhook', 'Leads in', { x: column(0), y: 0 }, { method: 'POST', path: 'leads' }),
      step(
        'normalise',
        'transform.script',
        'Normalise',
        { x: column(1), y: 0 },
        {
          code: [
            '// One shape for every lead: a trimmed, lower-case email and a numeric score.',
            'const leads = Array.isArray(input.body?.leads) ? input.body.leads : [];',
            'return leads.map((lead) => ({',
            '  ...lead,',
            "  email: String(lead.email ?? '').trim().toLowerCase(),",
            '  score: Number(lead.score) || 0,',
            '}));',
          ].join('\n'),
        },
      ),
      step(
        'has-email',
        'transform.filter',
        'Has an email',
        { x: column(2), y: 0 },
        { rules: [{ field: 'email', operator: 'contains', value: '@' }] },
      ),
      step('dedupe', 'transform.dedupe', 'Remove duplicates', { x: column(3), y: 0 }, { fields: ['email'] }),
      step(
        'sort',
        'transform.sort',
        'Best first',
        { x: column(4), y: 0 },
        { keys: [{ field: 'score', direction: 'descending' }] },
      ),
      step('top', 'transform.limit', 'Top 50', { x: column(5), y: 0 }, { count: 50, keep: 'first' }),
      step(
        'crm',
        'action.http',
        'Send to CRM',
        { x: column(6), y: 0 },
        { method: 'POST', url: 'https://crm.example.com/api/leads/bulk', body: { leads: '{{ input }}' } },
      ),
    ],
    edges: [
      link('hook', 'normalise'),
      link('normalise', 'has-email'),
      link('has-email', 'dedupe'),
      link('dedupe', 'sort'),
      link('sort', 'top'),
      link('top', 'crm'),
    ],
  },
});
