import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, Copy, KeySquare, Plus } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { Role } from '../../api/account-types.ts';
import { call } from '../../api/client.ts';
import { apiKeyQueries } from '../../api/queries/accounts.ts';
import { ROLE_LABELS, ROLE_ORDER, roleCan } from '../../auth/permissions.ts';
import { useCurrentUser } from '../../auth/session.tsx';
import { FormFooter, SelectField, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import { Cell, Table } from '../../components/table.tsx';
import { Button, ErrorState, Spinner } from '../../components/ui.tsx';
import { dateTime, timeAgo } from '../../lib/dates.ts';

const KEYS_KEY = apiKeyQueries.list().queryKey;

/** A role is within another when everything it may do, the other may do too. */
const within = (role: Role, ceiling: Role) =>
  (['view', 'edit', 'operate', 'publish', 'admin'] as const).every((p) => !roleCan(role, p) || roleCan(ceiling, p));

export function ApiKeysSection() {
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const keys = useQuery(apiKeyQueries.list());
  const [creating, setCreating] = useState(false);
  const revoke = useMutation({
    mutationFn: (id: string) => call('DELETE /api-keys/:id', { params: { id } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: KEYS_KEY }),
  });

  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <div className="flex items-start justify-between gap-4">
        <div>
          <h2 className="text-base font-semibold text-slate-900">API keys</h2>
          <p className="mt-1 text-sm text-slate-500">
            For scripts and CI: send{' '}
            <code className="rounded bg-slate-100 px-1 text-xs">Authorization: Bearer &lt;key&gt;</code>. A key never
            has more rights than you.
          </p>
        </div>
        <Button icon={<Plus className="size-4" />} onClick={() => setCreating(true)}>
          New key
        </Button>
      </div>
      <div className="mt-5">
        {keys.isPending ? (
          <Spinner />
        ) : keys.isError ? (
          <ErrorState error={keys.error} retry={() => keys.refetch()} />
        ) : keys.data.items.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">
            No API keys yet.
          </p>
        ) : (
          <Table head={['Name', 'Key', 'Role', user.role === 'admin' ? 'Owner' : 'Created', 'Last used', '']}>
            {keys.data.items.map((key) => (
              <tr key={key.id} className={key.revokedAt ? 'text-slate-400' : ''}>
                <Cell className="font-medium text-slate-900">{key.name}</Cell>
                <Cell className="font-mono text-xs">{key.prefix}…</Cell>
                <Cell>{ROLE_LABELS[key.role]}</Cell>
                <Cell className="text-xs text-slate-500">
                  {user.role === 'admin' ? key.userEmail : dateTime(key.createdAt)}
                </Cell>
                <Cell className="text-xs text-slate-500">{key.lastUsedAt ? timeAgo(key.lastUsedAt) : 'Never'}</Cell>
                <Cell className="text-right">
                  {key.revokedAt ? (
                    <span className="text-xs">Revoked</span>
                  ) : (
                    <Button
                      size="sm"
                      variant="ghost"
                      busy={revoke.isPending && revoke.variables === key.id}
                      onClick={() => revoke.mutate(key.id)}
                    >
                      Revoke
                    </Button>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </div>
      {creating && <CreateKeyModal ceiling={user.role} onClose={() => setCreating(false)} />}
    </section>
  );
}

function CreateKeyModal({ ceiling, onClose }: { ceiling: Role; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(ceiling);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () => call('POST /api-keys', { body: { name, role } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS_KEY }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  if (create.data) {
    const secret = create.data.secret;
    return (
      <Modal
        title="Your new API key"
        description="Copy it now: it is shown once and cannot be recovered."
        onClose={onClose}
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <div className="flex items-center gap-2 rounded-md bg-slate-900 px-3 py-2.5 font-mono text-sm text-emerald-300">
          <KeySquare className="size-4 shrink-0 text-slate-400" aria-hidden />
          <span data-testid="api-key-secret" className="flex-1 break-all">
            {secret}
          </span>
          <button
            type="button"
            aria-label="Copy key"
            className="rounded p-1 text-slate-400 hover:bg-slate-800 hover:text-white"
            onClick={() => {
              void navigator.clipboard?.writeText(secret);
              setCopied(true);
            }}
          >
            {copied ? <Check className="size-4" /> : <Copy className="size-4" />}
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="New API key" onClose={onClose}>
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Name"
          placeholder="e.g. Deploy pipeline"
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLE_ORDER.filter((option) => within(option, ceiling)).map((option) => (
            <option key={option} value={option}>
              {ROLE_LABELS[option]}
            </option>
          ))}
        </SelectField>
        <FormFooter error={create.error} onCancel={onClose} busy={create.isPending} submitLabel="Create key" />
      </form>
    </Modal>
  );
}
