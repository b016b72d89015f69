import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Braces, Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { Variable } from '../../api/account-types.ts';
import { call } from '../../api/client.ts';
import { variableQueries } from '../../api/queries/variables.ts';
import { useCan } from '../../auth/session.tsx';
import { Modal } from '../../components/modal.tsx';
import { Cell, Table } from '../../components/table.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { dateTime } from '../../lib/dates.ts';
import { VariableModal } from './variable-modal.tsx';

/** How a workflow names a variable, as people copy it into a field. */
const usage = (name: string) => `{{ vars.${name} }}`;

/**
 * Workspace variables: admins add, change and delete them; every other role sees the same list
 * read-only, since they write `{{ vars.NAME }}` in their workflows (the API lets them read it).
 */
export function VariablesPage() {
  const canChange = useCan('admin');
  const queryClient = useQueryClient();
  const variables = useQuery(variableQueries.list());
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Variable | null>(null);
  const [deleting, setDeleting] = useState<Variable | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => call('DELETE /variables/:id', { params: { id } }),
    onSuccess: () => setDeleting(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: variableQueries.all }),
  });
  const add = canChange ? (
    <Button variant="primary" icon={<Plus className="size-4" />} onClick={() => setCreating(true)}>
      New variable
    </Button>
  ) : undefined;

  return (
    <>
      <PageHeader
        title="Variables"
        description={
          <>
            Values every workflow can read, such as a base URL or a team’s channel: write{' '}
            <code className="rounded bg-slate-100 px-1 font-mono text-[12px] text-slate-700">{usage('NAME')}</code> in
            any field, or{' '}
            <code className="rounded bg-slate-100 px-1 font-mono text-[12px] text-slate-700">vars.NAME</code> in a
            script. A run reads them once, when it starts.
            {!canChange && ' Only admins can change them.'}
          </>
        }
        actions={add}
      />
      {variables.isPending ? (
        <Spinner />
      ) : variables.isError ? (
        <ErrorState error={variables.error} retry={() => variables.refetch()} />
      ) : variables.data.items.length === 0 ? (
        <EmptyState icon={<Braces className="size-5" />} title="No variables yet" action={add}>
          Add a value once here, say <code className="font-mono text-slate-700">API_URL</code>, then write{' '}
          <code className="font-mono text-slate-700">{usage('API_URL')}</code> in any workflow instead of pasting it
          into each one. Changing it here changes it for every run started afterwards. Not for secrets: use credentials.
        </EmptyState>
      ) : (
        <Table head={['Name', 'Value', 'Description', 'Updated', ...(canChange ? [''] : [])]}>
          {variables.data.items.map((variable) => (
            <tr key={variable.id}>
              <Cell>
                <div className="font-mono text-[13px] font-medium whitespace-nowrap text-slate-900">
                  {variable.name}
                </div>
                <div className="font-mono text-[11px] text-slate-400 select-all" title="How expressions name it">
                  {usage(variable.name)}
                </div>
              </Cell>
              <Cell className="max-w-72 font-mono text-xs break-all text-slate-700">
                {variable.value === '' ? (
                  <span className="font-sans text-slate-400 italic">empty</span>
                ) : (
                  variable.value
                )}
              </Cell>
              <Cell className="max-w-64 text-xs text-slate-600">
                {variable.description || <span className="text-slate-400">—</span>}
              </Cell>
              <Cell className="text-xs whitespace-nowrap text-slate-500">{dateTime(variable.updatedAt)}</Cell>
              {canChange && (
                <Cell className="text-right whitespace-nowrap">
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Edit ${variable.name}`}
                    icon={<Pencil className="size-3.5" />}
                    onClick={() => setEditing(variable)}
                  >
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Delete ${variable.name}`}
                    icon={<Trash2 className="size-3.5" />}
                    onClick={() => setDeleting(variable)}
                  >
                    Delete
                  </Button>
                </Cell>
              )}
            </tr>
          ))}
        </Table>
      )}
      {creating && <VariableModal onClose={() => setCreating(false)} />}
      {editing && <VariableModal variable={editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <Modal
          title={`Delete ${deleting.name}?`}
          description={`Expressions that read ${usage(deleting.name)} get nothing in runs started afterwards; runs already started keep the value they read.`}
          onClose={() => setDeleting(null)}
          footer={
            <>
              <Button onClick={() => setDeleting(null)}>Cancel</Button>
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(deleting.id)}>
                Delete variable
              </Button>
            </>
          }
        >
          {remove.error && <ErrorState error={remove.error} />}
        </Modal>
      )}
    </>
  );
}
