import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Expense submitted ──▶ Over the limit? ──false─────────────────────────────▶ Go ahead ──▶ Reimburse
 *                                 └──true──▶ Manager approval ──approved──────────▲
 *                                                   └──rejected──▶ Tell the employee
 */
export default defineTemplate({
  slug: 'approve-expense-over-limit',
  title: 'Approve expenses over a limit',
  description:
    'Expenses up to 500 are reimbursed at once; larger ones wait in the Approvals inbox until an operator approves or rejects them, and the employee hears back either way.',
  category: 'Approvals',
  tags: ['Webhook', 'If', 'Approval', 'Merge', 'HTTP'],
  credentials: [
    {
      node: 'pay',
      field: 'credentialId',
      types: ['bearer', 'basic', 'header'],
      optional: true,
      purpose: 'Your payroll system’s sign-in',
    },
  ],
  graph: {
    nodes: [
      step(
        'hook',
        'trigger.webhook',
        'Expense submitted',
        { x: column(0), y: 0 },
        { method: 'POST', path: 'expenses' },
      ),
      step(
        'limit',
        'condition.if',
        'Over the limit?',
        { x: column(1), y: 0 },
        { rules: [{ left: '{{ input.body.amount }}', operator: 'greaterThan', right: '500' }] },
      ),
      step(
        'approval',
        'flow.wait',
        'Manager approval',
        { x: column(2), y: 120 },
        {
          mode: 'approval',
          role: 'operator',
          title: 'Expense of {{ trigger.body.amount }} {{ trigger.body.currency }} by {{ trigger.body.employee }}',
          message: '{{ trigger.body.reason }}',
          timeout: 3,
          timeoutUnit: 'days',
        },
      ),
      step(
        'reject',
        'action.http',
        'Tell the employee',
        { x: column(3), y: 260 },
        {
          method: 'POST',
          url: 'https://hr.example.com/api/expenses/{{ trigger.body.id }}/rejected',
          body: { decidedBy: '{{ input.decidedBy }}', comment: '{{ input.comment }}' },
        },
      ),
      step('merge', 'flow.merge', 'Go ahead', { x: column(4), y: 0 }, { mode: 'byName' }),
      step(
        'pay',
        'action.http',
        'Reimburse',
        { x: column(5), y: 0 },
        {
          method: 'POST',
          url: 'https://payroll.example.com/api/reimbursements',
          body: {
            expenseId: '{{ trigger.body.id }}',
            employee: '{{ trigger.body.employee }}',
            amount: '{{ trigger.body.amount }}',
            currency: '{{ trigger.body.currency }}',
          },
        },
      ),
    ],
    edges: [
      link('hook', 'limit'),
      link('limit', 'approval', 'true'),
      link('limit', 'merge', 'false'),
      link('approval', 'merge', 'approved'),
      link('approval', 'reject', 'rejected'),
      link('merge', 'pay'),
    ],
  },
});
