import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound, Plus, ShieldCheck, Trash2 } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { Credential, User } from '../../api/account-types.ts';
import { ApiError, api } from '../../api/client.ts';
import { FormFooter, fieldErrors, SelectField, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import { Cell, Table } from '../../components/table.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { dateTime } from '../../lib/dates.ts';

const CREDENTIALS_KEY = ['credentials'];

/** Where a credential may go and who may use it, as the forms hold them (targets typed as text). */
interface LimitsForm {
  targets: string;
  useRoles: string[];
  useUserIds: string[];
}

const limitsForm = (credential?: Credential): LimitsForm => ({
  targets: credential?.allowedTargets.join(', ') ?? '',
  useRoles: credential?.useRoles ?? [],
  useUserIds: credential?.useUserIds ?? [],
});

/** The API's fields from the form: targets separated by commas, spaces or lines. */
const limitsBody = (form: LimitsForm) => ({
  allowedTargets: form.targets.split(/[\s,]+/).filter(Boolean),
  useRoles: form.useRoles,
  useUserIds: form.useUserIds,
});

/** The first error of a list field (`allowedTargets.1`), if any. */
const listError = (errors: Record<string, string>, field: string) =>
  Object.entries(errors).find(([key]) => key === field || key.startsWith(`${field}.`))?.[1];

/** Who may use a credential, in a few words for the table. */
function whoMayUse(credential: Credential, users: readonly User[] | undefined): string {
  if (credential.useRoles.length === 0 && credential.useUserIds.length === 0) return 'Every editor';
  const names = credential.useUserIds.map((id) => users?.find((user) => user.id === id)?.email ?? id);
  return ['Admins', ...credential.useRoles.map((role) => `${role}s`), ...names].join(', ');
}

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
  const users = useQuery({ queryKey: ['users'], queryFn: () => api.get<{ items: User[] }>('/users') });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Credential | null>(null);
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
        <Table head={['Name', 'Type', 'Allowed targets', 'Who may use it', 'ID (for node configs)', 'Created', '']}>
          {credentials.data.items.map((credential) => (
            <tr key={credential.id}>
              <Cell className="font-medium text-slate-900">{credential.name}</Cell>
              <Cell>{CREDENTIAL_TYPES[credential.type as CredentialType]?.label ?? credential.type}</Cell>
              <Cell className="font-mono text-xs">
                {credential.allowedTargets.length > 0 ? (
                  credential.allowedTargets.map((target) => <div key={target}>{target}</div>)
                ) : (
                  <span className="font-sans text-amber-700">Nowhere yet</span>
                )}
              </Cell>
              <Cell className="text-xs">{whoMayUse(credential, users.data?.items)}</Cell>
              <Cell className="font-mono text-xs text-slate-500">{credential.id}</Cell>
              <Cell className="text-xs text-slate-500">{dateTime(credential.createdAt)}</Cell>
              <Cell className="text-right whitespace-nowrap">
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Limits of ${credential.name}`}
                  icon={<ShieldCheck className="size-3.5" />}
                  onClick={() => setEditing(credential)}
                >
                  Limits
                </Button>
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
      {creating && <CreateCredentialModal users={users.data?.items ?? []} onClose={() => setCreating(false)} />}
      {editing && (
        <EditLimitsModal credential={editing} users={users.data?.items ?? []} onClose={() => setEditing(null)} />
      )}
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

function CreateCredentialModal({ users, onClose }: { users: readonly User[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState<CredentialType>('bearer');
  const [secret, setSecret] = useState<Record<string, string>>({});
  const [limits, setLimits] = useState<LimitsForm>(limitsForm());
  const create = useMutation({
    mutationFn: () => api.post<Credential>('/credentials', { name, type, secret, ...limitsBody(limits) }),
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
        <LimitsFields value={limits} onChange={setLimits} users={users} errors={errors} />
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

/** The limits every credential has: where it may be sent, and who besides admins may use it. */
function LimitsFields({
  value,
  onChange,
  users,
  errors,
}: {
  value: LimitsForm;
  onChange: (value: LimitsForm) => void;
  users: readonly User[];
  errors: Record<string, string>;
}) {
  const toggleRole = (role: string, on: boolean) =>
    onChange({ ...value, useRoles: on ? [...value.useRoles, role] : value.useRoles.filter((r) => r !== role) });
  return (
    <>
      <TextField
        label="Allowed targets"
        placeholder="https://api.example.com/v1"
        value={value.targets}
        onChange={(e) => onChange({ ...value, targets: e.target.value })}
        hint="Where it may be sent: scheme://host[:port][/path prefix], separated by commas. Empty: nowhere."
        error={listError(errors, 'allowedTargets')}
      />
      <fieldset>
        <legend className="block text-sm font-medium text-slate-700">Who may use it</legend>
        <p className="mt-1 text-xs text-slate-500">Admins always may. Nothing chosen: every editor may.</p>
        <div className="mt-1.5 flex gap-4 text-sm text-slate-700">
          {['analyst', 'operator'].map((role) => (
            <label key={role} className="flex items-center gap-1.5">
              <input
                type="checkbox"
                checked={value.useRoles.includes(role)}
                onChange={(e) => toggleRole(role, e.target.checked)}
              />
              {role === 'analyst' ? 'Analysts' : 'Operators'}
            </label>
          ))}
        </div>
        {users.length > 0 && (
          <SelectField
            label="Or these users"
            multiple
            value={value.useUserIds}
            onChange={(e) =>
              onChange({ ...value, useUserIds: [...e.target.selectedOptions].map((option) => option.value) })
            }
          >
            {users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.email}
              </option>
            ))}
          </SelectField>
        )}
        {listError(errors, 'useUserIds') && (
          <p className="mt-1 text-xs text-red-600">{listError(errors, 'useUserIds')}</p>
        )}
      </fieldset>
    </>
  );
}

function EditLimitsModal({
  credential,
  users,
  onClose,
}: {
  credential: Credential;
  users: readonly User[];
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [limits, setLimits] = useState<LimitsForm>(limitsForm(credential));
  const save = useMutation({
    mutationFn: () => api.patch<Credential>(`/credentials/${credential.id}`, limitsBody(limits)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: CREDENTIALS_KEY });
      onClose();
    },
  });
  const errors = save.error instanceof ApiError ? fieldErrors(save.error.details) : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Modal
      title={`Limits of "${credential.name}"`}
      description="The secret stays as stored; only where it may go and who may use it change."
      onClose={onClose}
    >
      <form onSubmit={submit} className="space-y-4">
        <LimitsFields value={limits} onChange={setLimits} users={users} errors={errors} />
        <FormFooter
          error={save.error}
          fieldsShowIt={Object.keys(errors).length > 0}
          onCancel={onClose}
          busy={save.isPending}
          submitLabel="Save limits"
        />
      </form>
    </Modal>
  );
}
