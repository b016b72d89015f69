import { useQuery } from '@tanstack/react-query';
import { History, Inbox } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { approvalQueries } from '../../api/queries/approvals.ts';
import { Notice } from '../../components/notice.tsx';
import { EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { shortId } from '../../lib/short-id.ts';
import { type Approval, ApprovalCard } from './approval-card.tsx';

type Tab = 'waiting' | 'decided';

/**
 * The approvals inbox: runs waiting for a person's decision, the longest waiting first; and the
 * newest decided ones, to see who decided what. A decision takes its card out of the waiting list,
 * so a notice above says what it did and links to the run going on.
 */
export function ApprovalsPage() {
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('show') === 'decided' ? 'decided' : 'waiting';
  const pending = useQuery(approvalQueries.pending());
  const [decided, setDecided] = useState<Approval | null>(null);
  const show = (next: Tab) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        if (next === 'decided') updated.set('show', 'decided');
        else updated.delete('show');
        return updated;
      },
      { replace: true },
    );

  return (
    <>
      <PageHeader
        title="Approvals"
        description="Runs waiting for a person’s decision. Approving or rejecting sends the run on by that branch."
      />
      {decided && (
        <Notice kind="success" onDismiss={() => setDecided(null)}>
          {decided.status === 'approved' ? 'Approved' : 'Rejected'} “{decided.title}”: run{' '}
          <Link to={`/executions/${decided.executionId}`} className="font-mono font-medium underline">
            {shortId(decided.executionId)}
          </Link>{' '}
          goes on by its {decided.status} branch.
        </Notice>
      )}
      <div className="mb-4 flex gap-1 border-b border-slate-200" role="tablist" aria-label="Approvals">
        <TabButton selected={tab === 'waiting'} onClick={() => show('waiting')}>
          Waiting
          {pending.data && pending.data.pending > 0 && (
            <span className="rounded-full bg-violet-100 px-1.5 text-xs font-semibold text-violet-700 tabular-nums">
              {pending.data.pending}
            </span>
          )}
        </TabButton>
        <TabButton selected={tab === 'decided'} onClick={() => show('decided')}>
          Decided
        </TabButton>
      </div>
      {tab === 'waiting' ? <Waiting onDecided={setDecided} /> : <Decided />}
    </>
  );
}

function TabButton({ selected, onClick, children }: { selected: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      onClick={onClick}
      className={`-mb-px inline-flex items-center gap-2 border-b-2 px-3 pb-2 text-sm font-medium ${
        selected ? 'border-accent-600 text-accent-700' : 'border-transparent text-slate-500 hover:text-slate-800'
      }`}
    >
      {children}
    </button>
  );
}

function Waiting({ onDecided }: { onDecided: (approval: Approval) => void }) {
  const approvals = useQuery(approvalQueries.pending());
  if (approvals.isPending) return <Spinner label="Loading approvals…" />;
  if (approvals.isError) return <ErrorState error={approvals.error} retry={() => approvals.refetch()} />;
  if (approvals.data.items.length === 0) {
    return (
      <EmptyState icon={<Inbox className="size-5" aria-hidden />} title="Nothing waiting for approval">
        When a run reaches a Wait step set to “For an approval”, it waits here until someone approves or rejects it.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-3" role="tabpanel" aria-label="Waiting">
      {approvals.data.items.map((approval) => (
        <ApprovalCard key={approval.id} approval={approval} onDecided={onDecided} />
      ))}
    </div>
  );
}

function Decided() {
  const approvals = useQuery(approvalQueries.recent());
  if (approvals.isPending) return <Spinner label="Loading approvals…" />;
  if (approvals.isError) return <ErrorState error={approvals.error} retry={() => approvals.refetch()} />;
  const items = approvals.data.items.filter((approval) => approval.status !== 'pending');
  if (items.length === 0) {
    return (
      <EmptyState icon={<History className="size-5" aria-hidden />} title="No decisions yet">
        Approvals that were approved, rejected or timed out show here, newest first.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-3" role="tabpanel" aria-label="Decided">
      {items.map((approval) => (
        <ApprovalCard key={approval.id} approval={approval} />
      ))}
    </div>
  );
}
