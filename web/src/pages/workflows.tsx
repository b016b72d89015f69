import { useQuery } from '@tanstack/react-query';
import { Workflow as WorkflowIcon } from 'lucide-react';
import { api } from '../api/client.ts';
import type { Page, Workflow } from '../api/types.ts';
import { EmptyState, ErrorState, PageHeader, Spinner } from '../components/ui.tsx';

export function WorkflowsPage() {
  const workflows = useQuery({ queryKey: ['workflows'], queryFn: () => api.get<Page<Workflow>>('/workflows') });
  return (
    <>
      <PageHeader title="Workflows" description="Automations built on the canvas." />
      {workflows.isPending ? (
        <Spinner />
      ) : workflows.isError ? (
        <ErrorState error={workflows.error} retry={() => workflows.refetch()} />
      ) : workflows.data.items.length === 0 ? (
        <EmptyState icon={<WorkflowIcon className="size-5" />} title="No workflows yet" />
      ) : (
        <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white">
          {workflows.data.items.map((workflow) => (
            <li key={workflow.id} className="px-4 py-3 text-sm">
              {workflow.name}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
