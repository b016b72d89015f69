import type { EndpointAnswer } from '../../api/endpoints.ts';

export type Approval = EndpointAnswer<'GET /approvals'>['items'][number];
export type ApproverRole = Approval['role'];

/** Who may decide an approval set to `role`: that role or a higher one, in words. */
export const DECIDERS: Record<ApproverRole, string> = {
  analyst: 'Analysts, operators and admins',
  operator: 'Operators and admins',
  admin: 'Admins',
};

/** An approval's state as its badge says it: the decision, not the run's status words. */
export const APPROVAL_STATE: Record<Approval['status'], string> = {
  pending: 'Waiting',
  approved: 'Approved',
  rejected: 'Rejected',
  'timed-out': 'Timed out',
  canceled: 'Canceled',
};

/** What happened to a decided approval, in one line ("Approved by Olivia Owner"). */
export function outcome(approval: Approval): string {
  const who = approval.decidedBy?.name || approval.decidedBy?.email || 'someone';
  switch (approval.status) {
    case 'approved':
      return `Approved by ${who}`;
    case 'rejected':
      return `Rejected by ${who}`;
    case 'timed-out':
      return 'Nobody decided in time: the run went on by its timeout branch';
    case 'canceled':
      return 'Canceled with its run';
    default:
      return 'Waiting for a decision';
  }
}

/** What the nav badge says: how many wait, and how many of those the viewer may decide. */
export function pendingSummary(answer: { items: readonly Approval[]; pending: number }): {
  pending: number;
  yours: number;
} {
  return { pending: answer.pending, yours: answer.items.filter((item) => item.canDecide).length };
}
