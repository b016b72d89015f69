import { describe, expect, it } from 'vitest';
import { type Approval, outcome, pendingSummary } from './approval-words.ts';

const approval = (overrides: Partial<Approval> = {}): Approval => ({
  id: 'a1',
  executionId: 'e1',
  workflowId: 'w1',
  workflowName: 'Refunds',
  nodeId: 'gate',
  scope: '',
  role: 'operator',
  title: 'Refund 120 EUR?',
  message: '',
  status: 'pending',
  expiresAt: null,
  decidedBy: null,
  decidedAt: null,
  comment: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  canDecide: true,
  ...overrides,
});

describe('outcome', () => {
  it('names who decided, by name, else by email', () => {
    const olivia = { id: 'u1', email: 'olivia@example.com', name: 'Olivia Owner' };
    expect(outcome(approval({ status: 'approved', decidedBy: olivia }))).toBe('Approved by Olivia Owner');
    expect(outcome(approval({ status: 'rejected', decidedBy: { ...olivia, name: '' } }))).toBe(
      'Rejected by olivia@example.com',
    );
  });

  it('says a timeout and a cancel without a person', () => {
    expect(outcome(approval({ status: 'timed-out' }))).toMatch(/timeout branch/);
    expect(outcome(approval({ status: 'canceled' }))).toBe('Canceled with its run');
  });
});

describe('pendingSummary', () => {
  it('counts all pending ones, and apart those the viewer may decide', () => {
    const items = [approval(), approval({ id: 'a2', role: 'admin', canDecide: false })];
    expect(pendingSummary({ items, pending: 2 })).toEqual({ pending: 2, yours: 1 });
  });
});
