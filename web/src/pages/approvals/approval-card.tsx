import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Ban, Check, CheckCircle2, Clock, Hourglass, Lock, ShieldCheck, X, XCircle } from 'lucide-react';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { call } from '../../api/client.ts';
import { approvalQueries } from '../../api/queries/approvals.ts';
import { executionQueries } from '../../api/queries/executions.ts';
import { Button, errorMessage } from '../../components/ui.tsx';
import { dateTime, timeAgo } from '../../lib/dates.ts';
import { shortId } from '../../lib/short-id.ts';
import { APPROVAL_STATE, type Approval, DECIDERS, outcome } from './approval-words.ts';

export type { Approval } from './approval-words.ts';

const STATE_STYLE: Record<Approval['status'], { badge: string; icon: typeof Check }> = {
  pending: { badge: 'bg-violet-50 text-violet-700', icon: Hourglass },
  approved: { badge: 'bg-emerald-50 text-emerald-700', icon: CheckCircle2 },
  rejected: { badge: 'bg-red-50 text-red-700', icon: XCircle },
  'timed-out': { badge: 'bg-amber-50 text-amber-800', icon: Clock },
  canceled: { badge: 'bg-slate-100 text-slate-600', icon: Ban },
};

function ApprovalState({ status }: { status: Approval['status'] }) {
  const { badge, icon: Icon } = STATE_STYLE[status];
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${badge}`}
      data-testid="approval-state"
    >
      <Icon className="size-3.5" aria-hidden />
      {APPROVAL_STATE[status]}
    </span>
  );
}

/**
 * One approval: what it asks, for which run, since when, and (for those whose role may decide)
 * approve and reject with an optional comment; once decided, who decided, when and what they said.
 * The inbox and the run's page both show it. `onDecided` hears the server's answer (the inbox says
 * what happened, since the card leaves its list).
 */
export function ApprovalCard({
  approval: shown,
  showRun = true,
  onDecided,
}: {
  approval: Approval;
  showRun?: boolean;
  onDecided?: (decided: Approval) => void;
}) {
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const commentId = useId();
  const decide = useMutation({
    mutationFn: (verb: 'approve' | 'reject') =>
      call(verb === 'approve' ? 'POST /approvals/:id/approve' : 'POST /approvals/:id/reject', {
        params: { id: shown.id },
        body: comment.trim() ? { comment: comment.trim() } : {},
      }),
    onSuccess: (decided) => onDecided?.(decided),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: approvalQueries.all });
      void queryClient.invalidateQueries({ queryKey: executionQueries.detail(shown.executionId).queryKey });
    },
  });
  // The server's answer is newer than the list it came from, until that list is fetched again.
  const approval = decide.data ?? shown;
  const pending = approval.status === 'pending';
  return (
    <article
      aria-label={`Approval: ${approval.title}`}
      className={`rounded-xl border bg-white p-4 shadow-sm ${pending ? 'border-violet-200' : 'border-slate-200'}`}
      data-testid="approval"
      data-status={approval.status}
    >
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <h3 className="text-base font-semibold text-slate-900">{approval.title || 'Approval'}</h3>
          <p className="mt-1 flex flex-wrap items-center gap-x-1.5 text-xs text-slate-500">
            {showRun && (
              <>
                <Link
                  to={`/workflows/${approval.workflowId}/versions`}
                  className="font-medium text-slate-700 hover:text-slate-900"
                >
                  {approval.workflowName}
                </Link>
                <span aria-hidden>·</span>
                <Link
                  to={`/executions/${approval.executionId}`}
                  className="font-mono text-accent-600 hover:text-accent-700"
                >
                  run {shortId(approval.executionId)}
                </Link>
                <span aria-hidden>·</span>
              </>
            )}
            <span title={dateTime(approval.createdAt)}>asked {timeAgo(approval.createdAt)}</span>
            {approval.expiresAt && pending && (
              <>
                <span aria-hidden>·</span>
                <span title={dateTime(approval.expiresAt)}>times out {timeAgo(approval.expiresAt)}</span>
              </>
            )}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <span className="inline-flex items-center gap-1 text-xs text-slate-500" title="Who may decide">
            <ShieldCheck className="size-3.5" aria-hidden />
            {DECIDERS[approval.role]}
          </span>
          <ApprovalState status={approval.status} />
        </div>
      </div>
      {approval.message && (
        <p className="mt-3 whitespace-pre-wrap text-sm leading-6 text-slate-700">{approval.message}</p>
      )}
      {!pending && (
        <div className="mt-3 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="approval-outcome">
          <p>
            <span className="font-medium">{outcome(approval)}</span>
            {approval.decidedAt && (
              <span className="text-slate-500" title={dateTime(approval.decidedAt)}>
                {' '}
                · {timeAgo(approval.decidedAt)}
              </span>
            )}
          </p>
          {approval.comment && <p className="mt-1 whitespace-pre-wrap text-slate-600">“{approval.comment}”</p>}
        </div>
      )}
      {approval.canDecide && pending && (
        <div className="mt-4 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-4">
          <label htmlFor={commentId} className="sr-only">
            Comment
          </label>
          <input
            id={commentId}
            placeholder="Add a comment (optional)"
            className="h-9 min-w-48 flex-1 rounded-md border-0 bg-white px-3 text-sm shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-accent-600 disabled:bg-slate-50"
            value={comment}
            maxLength={2000}
            disabled={decide.isPending}
            onChange={(event) => setComment(event.target.value)}
          />
          <Button
            variant="secondary"
            icon={<X className="size-4 text-red-600" aria-hidden />}
            busy={decide.isPending && decide.variables === 'reject'}
            disabled={decide.isPending}
            onClick={() => decide.mutate('reject')}
          >
            Reject
          </Button>
          <Button
            variant="primary"
            icon={<Check className="size-4" aria-hidden />}
            busy={decide.isPending && decide.variables === 'approve'}
            disabled={decide.isPending}
            onClick={() => decide.mutate('approve')}
          >
            Approve
          </Button>
        </div>
      )}
      {pending && !approval.canDecide && (
        <p
          className="mt-4 flex items-center gap-1.5 border-t border-slate-100 pt-3 text-sm text-slate-500"
          data-testid="approval-refusal"
        >
          <Lock className="size-3.5 shrink-0" aria-hidden />
          Your role cannot decide this one. {DECIDERS[approval.role]} can.
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
