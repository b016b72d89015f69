import { useQuery } from '@tanstack/react-query';
import { Inbox } from 'lucide-react';
import { approvalQueries } from '../../api/queries/approvals.ts';
import { EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { ApprovalCard } from './approval-card.tsx';

/** The approvals inbox: runs waiting for a person's decision, the longest waiting first. */
export function ApprovalsPage() {
  const approvals = useQuery(approvalQueries.pending());
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Runs waiting for a decision. Approving or rejecting sends the run on by that branch."
      />
      {approvals.isPending ? (
        <Spinner label="Loading approvals…" />
      ) : approvals.isError ? (
        <ErrorState error={approvals.error} retry={() => approvals.refetch()} />
      ) : approvals.data.items.length === 0 ? (
        <EmptyState icon={<Inbox className="size-5" aria-hidden />} title="Nothing waiting for approval">
          When a workflow reaches a Wait step set to “For an approval”, it shows up here.
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-3">
          {approvals.data.items.map((approval) => (
            <ApprovalCard key={approval.id} approval={approval} />
          ))}
        </div>
      )}
    </>
  );
}
