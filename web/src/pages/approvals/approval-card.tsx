import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check, ShieldCheck, X } from 'lucide-react';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { call } from '../../api/client.ts';
import type { EndpointAnswer } from '../../api/endpoints.ts';
import { approvalQueries } from '../../api/queries/approvals.ts';
import { executionQueries } from '../../api/queries/executions.ts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';
import { dateTime, timeAgo } from '../../lib/dates.ts';
import { shortId } from '../../lib/short-id.ts';

export type Approval = EndpointAnswer<'GET /approvals'>['items'][number];

const ROLE_WORDS = { analyst: 'Analysts or higher', operator: 'Operators or admins', admin: 'Admins' } as const;

/**
 * One approval: what it asks, for which run, since when, and (for those whose role may decide)
 * approve and reject with an optional comment. The inbox and the run's page both show it.
 */
export function ApprovalCard({ approval, showRun = true }: { approval: Approval; showRun?: boolean }) {
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const commentId = useId();
  const decide = useMutation({
    mutationFn: (verb: 'approve' | 'reject') =>
      call(verb === 'approve' ? 'POST /approvals/:id/approve' : 'POST /approvals/:id/reject', {
        params: { id: approval.id },
        body: comment.trim() ? { comment: comment.trim() } : {},
      }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: approvalQueries.all });
      void queryClient.invalidateQueries({ queryKey: executionQueries.detail(approval.executionId).queryKey });
    },
  });
  const pending = approval.status === 'pending';
  return (
    <article
      aria-label={`Approval: ${approval.title}`}
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="approval"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold text-slate-900">{approval.title}</h3>
          <p className="mt-0.5 text-xs text-slate-500">
            {showRun && (
              <>
                <Link to={`/workflows/${approval.workflowId}/versions`} className="hover:text-slate-900">
                  {approval.workflowName}
                </Link>
                {' · '}
                <Link
                  to={`/executions/${approval.executionId}`}
                  className="font-mono text-accent-600 hover:text-accent-700"
                >
                  run {shortId(approval.executionId)}
                </Link>
                {' · '}
              </>
            )}
            <span title={dateTime(approval.createdAt)}>waiting {timeAgo(approval.createdAt)}</span>
            {approval.expiresAt && pending && <> · times out {dateTime(approval.expiresAt)}</>}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <span className="inline-flex items-center gap-1 text-xs text-slate-500">
            <ShieldCheck className="size-3.5" aria-hidden />
            {ROLE_WORDS[approval.role]}
          </span>
          <StatusBadge
            status={
              pending
                ? 'waiting'
                : approval.status === 'approved'
                  ? 'succeeded'
                  : approval.status === 'rejected'
                    ? 'failed'
                    : 'canceled'
            }
          />
        </div>
      </div>
      {approval.message && <p className="mt-3 whitespace-pre-wrap text-sm text-slate-700">{approval.message}</p>}
      {!pending && (
        <p className="mt-3 text-sm text-slate-600">
          {approval.status === 'timed-out'
            ? 'Timed out'
            : approval.status === 'canceled'
              ? 'Canceled with its run'
              : `${approval.status === 'approved' ? 'Approved' : 'Rejected'} by ${approval.decidedBy?.name || approval.decidedBy?.email || 'someone'}`}
          {approval.decidedAt && ` · ${dateTime(approval.decidedAt)}`}
          {approval.comment && <>: “{approval.comment}”</>}
        </p>
      )}
      {approval.canDecide && (
        <div className="mt-3 flex flex-wrap items-end gap-2">
          <label htmlFor={commentId} className="sr-only">
            Comment
          </label>
          <input
            id={commentId}
            placeholder="Comment (optional)"
            className="min-w-48 flex-1 rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-accent-600"
            value={comment}
            maxLength={2000}
            onChange={(event) => setComment(event.target.value)}
          />
          <Button
            variant="primary"
            icon={<Check className="size-4" aria-hidden />}
            busy={decide.isPending && decide.variables === 'approve'}
            disabled={decide.isPending}
            onClick={() => decide.mutate('approve')}
          >
            Approve
          </Button>
          <Button
            variant="danger"
            icon={<X className="size-4" aria-hidden />}
            busy={decide.isPending && decide.variables === 'reject'}
            disabled={decide.isPending}
            onClick={() => decide.mutate('reject')}
          >
            Reject
          </Button>
        </div>
      )}
      {pending && !approval.canDecide && (
        <p className="mt-3 text-xs text-slate-500">
          Your role cannot decide this one: {ROLE_WORDS[approval.role].toLowerCase()} can.
        </p>
      )}
      {decide.isError && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorMessage(decide.error)}
        </p>
      )}
    </article>
  );
}
