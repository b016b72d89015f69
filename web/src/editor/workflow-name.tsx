import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import { workflowQueries } from '../api/queries/workflows.ts';
import type { Workflow } from '../api/types.ts';
import { errorMessage } from '../components/ui.tsx';

/** The workflow's name in the header, renamed in place (PATCH /workflows/:id). */
export function WorkflowName({ workflow }: { workflow: Workflow }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(workflow.name);
  useEffect(() => setText(workflow.name), [workflow.name]);
  const rename = useMutation({
    mutationFn: (name: string) => call('PATCH /workflows/:id', { params: { id: workflow.id }, body: { name } }),
    onSuccess: (updated) => {
      queryClient.setQueryData(workflowQueries.detail(workflow.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: workflowQueries.lists });
    },
    onError: () => setText(workflow.name),
  });
  const commit = () => {
    const name = text.trim();
    if (!name) return setText(workflow.name);
    if (name !== workflow.name) rename.mutate(name);
  };
  return (
    <div className="flex min-w-0 flex-col">
      <input
        aria-label="Workflow name"
        value={text}
        maxLength={200}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') event.currentTarget.blur();
          if (event.key === 'Escape') {
            setText(workflow.name);
            event.currentTarget.blur();
          }
        }}
        size={Math.max(8, Math.min(40, text.length + 1))}
        className="-ml-1 truncate rounded px-1 py-0.5 text-[15px] font-semibold text-slate-900 hover:bg-slate-100 focus:bg-white focus:ring-2 focus:ring-accent-500 focus:outline-none"
      />
      {rename.isError && <span className="px-1 text-xs text-red-600">{errorMessage(rename.error)}</span>}
    </div>
  );
}
