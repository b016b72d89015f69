import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound, Plus, Trash2 } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { Credential } from '../../api/account-types.ts';
import { ApiError, api } from '../../api/client.ts';
import { FormFooter, fieldErrors, SelectField, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import { Cell, Table } from '../../components/table.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { dateTime } from '../../lib/dates.ts';

const CREDENTIALS_KEY = ['credentials'];

/** Each credential type and the secret fields it holds (as the API's CredentialInput names them). */
const CREDENTIAL_TYPES = {
  bearer: { label: 'Bearer token', fields: [{ key: 'token', label: 'Token', secret: true }] },
  basic: {
    label: 'Basic auth',
    fields: [
      { key: 'username', label: 'Username', secret: false },
      { key: 'password', label: 'Password', secret: true },
    ],
  },
  header: {
    label: 'Custom header',
    fields: [
      { key: 'header', label: 'Header name', secret: false },
      { key: 'value', label: 'Header value', secret: true },
    ],
  },
  hmac: { label: 'Webhook signing secret (HMAC)', fields: [{ key: 'secret', label: 'Secret', secret: true }] },
} as const;
type CredentialType = keyof typeof CREDENTIAL_TYPES;

export function CredentialsPage() {
  const queryClient = useQueryClient();
  const credentials = useQuery({
    queryKey: CREDENTIALS_KEY,
    queryFn: () => api.get<{ items: Credential[] }>('/credentials'),
  });
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Credential | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/credentials/${id}`),
    onSuccess: () => setDeleting(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: CREDENTIALS_KEY }),
  });

  return (
    <>
      <PageHeader
        title="Credentials"
        description="Secrets that HTTP nodes and webhooks use. They are encrypted at rest and never shown again."
        actions={
          <Button variant="primary" icon={<Plus className="size-4" />} onClick={() => setCreating(true)}>
            New credential
          </Button>
        }
      />
      {credentials.isPending ? (
        <Spinner />
      ) : credentials.isError ? (
        <ErrorState error={credentials.error} retry={() => credentials.refetch()} />
      ) : credentials.data.items.length === 0 ? (
        <EmptyState
          icon={<KeyRound className="size-5" />}
          title="No credentials yet"
          action={
            <Button variant="primary" onClick={() => setCreating(true)}>
              New credential
            </Button>
          }
        >
          Store an API token once here, then pick it in an HTTP node instead of pasting it into the workflow.
        </EmptyState>
      ) : (
        <Table head={['Name', 'Type', 'ID (for node configs)', 'Created', '']}>
          {credentials.data.items.map((credential) => (
            <tr key={credential.id}>
              <Cell className="font-medium text-slate-900">{credential.name}</Cell>
              <Cell>{CREDENTIAL_TYPES[credential.type as CredentialType]?.label ?? credential.type}</Cell>
              <Cell className="font-mono text-xs text-slate-500">{credential.id}</Cell>
              <Cell className="text-xs text-slate-500">{dateTime(credential.createdAt)}</Cell>
              <Cell className="text-right">
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Delete ${credential.name}`}
                  icon={<Trash2 className="size-3.5" />}
                  onClick={() => setDeleting(credential)}
                >
                  Delete
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      {creating && <CreateCredentialModal onClose={() => setCreating(false)} />}
      {deleting && (
        <Modal
          title={`Delete "${deleting.name}"?`}
          description="Nodes that use it will fail until they are given another credential."
          onClose={() => setDeleting(null)}
          footer={
            <>
              <Button onClick={() => setDeleting(null)}>Cancel</Button>
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(deleting.id)}>
                Delete credential
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

function CreateCredentialModal({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState<CredentialType>('bearer');
  const [secret, setSecret] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () => api.post<Credential>('/credentials', { name, type, secret }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: CREDENTIALS_KEY });
      onClose();
    },
  });
  const errors = create.error instanceof ApiError ? fieldErrors(create.error.details) : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal
      title="New credential"
      description="The secret is encrypted when saved and never sent back."
      onClose={onClose}
    >
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Name"
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
        />
        <SelectField
          label="Type"
          value={type}
          onChange={(e) => {
            setType(e.target.value as CredentialType);
            setSecret({});
          }}
        >
          {Object.entries(CREDENTIAL_TYPES).map(([key, { label }]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </SelectField>
        {CREDENTIAL_TYPES[type].fields.map((field) => (
          <TextField
            key={`${type}-${field.key}`}
            label={field.label}
            type={field.secret ? 'password' : 'text'}
            autoComplete="off"
            required={field.key !== 'password' && field.key !== 'value'}
            value={secret[field.key] ?? ''}
            onChange={(e) => setSecret({ ...secret, [field.key]: e.target.value })}
            error={errors[`secret.${field.key}`]}
          />
        ))}
        <FormFooter
          error={create.error}
          fieldsShowIt={Object.keys(errors).length > 0}
          onCancel={onClose}
          busy={create.isPending}
          submitLabel="Save credential"
        />
      </form>
    </Modal>
  );
}
