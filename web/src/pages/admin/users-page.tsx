import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeySquare, UserPlus, Users } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { Role, User } from '../../api/account-types.ts';
import { ApiError, call } from '../../api/client.ts';
import { userQueries } from '../../api/queries/accounts.ts';
import { ROLE_LABELS, ROLE_ORDER } from '../../auth/permissions.ts';
import { useCurrentUser } from '../../auth/session.tsx';
import { FormFooter, fieldErrors, SelectField, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import { Cell, Table } from '../../components/table.tsx';
import { Button, EmptyState, ErrorState, errorMessage, PageHeader, Spinner } from '../../components/ui.tsx';
import { dateTime } from '../../lib/dates.ts';

const USERS_KEY = userQueries.list().queryKey;

export function UsersPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const users = useQuery(userQueries.list());
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const update = useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<Pick<User, 'role' | 'active'>> }) =>
      call('PATCH /users/:id', { params: { id }, body: patch }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: USERS_KEY }),
  });

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in, and what their role lets them do."
        actions={
          <Button variant="primary" icon={<UserPlus className="size-4" />} onClick={() => setCreating(true)}>
            Add user
          </Button>
        }
      />
      {update.error && (
        <div className="mb-4">
          <ErrorState error={update.error} />
        </div>
      )}
      {users.isPending ? (
        <Spinner />
      ) : users.isError ? (
        <ErrorState error={users.error} retry={() => users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <EmptyState icon={<Users className="size-5" />} title="No users" />
      ) : (
        <Table head={['Name', 'Role', 'Status', 'Created', '']}>
          {users.data.items.map((user) => (
            <tr key={user.id} className={user.active ? '' : 'bg-slate-50/60 text-slate-400'}>
              <Cell>
                <div className="font-medium text-slate-900">
                  {user.name} {user.id === me.id && <span className="text-xs font-normal text-slate-500">(you)</span>}
                </div>
                <div className="text-xs text-slate-500">{user.email}</div>
              </Cell>
              <Cell>
                <select
                  aria-label={`Role of ${user.email}`}
                  value={user.role}
                  disabled={update.isPending}
                  onChange={(event) => update.mutate({ id: user.id, patch: { role: event.target.value as Role } })}
                  className="rounded-md border-0 bg-transparent py-1 pr-7 pl-2 text-sm ring-1 ring-slate-200 ring-inset hover:ring-slate-300"
                >
                  {ROLE_ORDER.map((role) => (
                    <option key={role} value={role}>
                      {ROLE_LABELS[role]}
                    </option>
                  ))}
                </select>
              </Cell>
              <Cell>
                {user.active ? (
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700">
                    Active
                  </span>
                ) : (
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
                    Deactivated
                  </span>
                )}
              </Cell>
              <Cell className="text-xs text-slate-500">{dateTime(user.createdAt)}</Cell>
              <Cell className="text-right whitespace-nowrap">
                <Button
                  size="sm"
                  variant="ghost"
                  icon={<KeySquare className="size-3.5" />}
                  onClick={() => setResetting(user)}
                >
                  Reset password
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={user.id === me.id}
                  onClick={() => update.mutate({ id: user.id, patch: { active: !user.active } })}
                >
                  {user.active ? 'Deactivate' : 'Reactivate'}
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      {creating && <CreateUserModal onClose={() => setCreating(false)} />}
      {resetting && <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />}
    </>
  );
}

function CreateUserModal({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: '', email: '', role: 'analyst' as Role, password: '' });
  const create = useMutation({
    mutationFn: () => call('POST /users', { body: form }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: USERS_KEY });
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
      title="Add a user"
      description="Give them the initial password; they can change it from their account page."
      onClose={onClose}
    >
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Name"
          required
          autoFocus
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          error={errors.name}
        />
        <TextField
          label="Email"
          type="email"
          required
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          error={errors.email}
        />
        <SelectField
          label="Role"
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
        >
          <option value="analyst">Analyst: builds and test-runs workflows</option>
          <option value="operator">Operator: inspects runs, retries, rolls back</option>
          <option value="admin">Admin: everything, including users and credentials</option>
        </SelectField>
        <TextField
          label="Initial password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          error={errors.password}
        />
        <FormFooter
          error={create.error}
          fieldsShowIt={Object.keys(errors).length > 0}
          onCancel={onClose}
          busy={create.isPending}
          submitLabel="Add user"
        />
      </form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: User; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: () => call('POST /users/:id/password', { params: { id: user.id }, body: { password } }),
    onSuccess: onClose,
  });
  const errors = reset.error instanceof ApiError ? fieldErrors(reset.error.details) : {};
  return (
    <Modal title={`Reset the password of ${user.name}`} description="Their open sessions end." onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          reset.mutate();
        }}
        className="space-y-4"
      >
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password ?? (reset.error ? errorMessage(reset.error) : undefined)}
        />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={reset.isPending}>
            Set password
          </Button>
        </div>
      </form>
    </Modal>
  );
}
