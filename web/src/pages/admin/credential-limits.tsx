import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { Credential, Role, User } from '../../api/account-types.ts';
import { ApiError, call } from '../../api/client.ts';
import { credentialQueries } from '../../api/queries/credentials.ts';
import { FormFooter, fieldErrors, SelectField, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';

/** Where a credential may go and who may use it, as the forms hold them (targets typed as text). */
export interface LimitsForm {
  targets: string;
  useRoles: Role[];
  useUserIds: string[];
}

export const limitsForm = (credential?: Credential): LimitsForm => ({
  targets: credential?.allowedTargets.join(', ') ?? '',
  useRoles: credential?.useRoles ?? [],
  useUserIds: credential?.useUserIds ?? [],
});

/** The API's fields from the form: targets separated by commas, spaces or lines. */
export const limitsBody = (form: LimitsForm) => ({
  allowedTargets: form.targets.split(/[\s,]+/).filter(Boolean),
  useRoles: form.useRoles,
  useUserIds: form.useUserIds,
});

/** The first error of a list field (`allowedTargets.1`), if any. */
const listError = (errors: Record<string, string>, field: string) =>
  Object.entries(errors).find(([key]) => key === field || key.startsWith(`${field}.`))?.[1];

/** The fields of the API's errors these inputs show. */
export const isLimitsField = (field: string) =>
  ['allowedTargets', 'useRoles', 'useUserIds'].some((name) => field === name || field.startsWith(`${name}.`));

/** The limits every credential has: where it may be sent, and who besides admins may use it. */
export function LimitsFields({
  value,
  onChange,
  users,
  errors,
  targets = true,
}: {
  value: LimitsForm;
  onChange: (value: LimitsForm) => void;
  users: readonly User[];
  errors: Record<string, string>;
  /** Whether the type is sent in HTTP requests, so where it may go is asked; false for a database. */
  targets?: boolean;
}) {
  const toggleRole = (role: Role, on: boolean) =>
    onChange({ ...value, useRoles: on ? [...value.useRoles, role] : value.useRoles.filter((r) => r !== role) });
  return (
    <>
      {targets && (
        <TextField
          label="Allowed targets"
          placeholder="https://api.example.com/v1"
          value={value.targets}
          onChange={(e) => onChange({ ...value, targets: e.target.value })}
          hint="Where it may be sent: scheme://host[:port][/path prefix], separated by commas. Empty: nowhere."
          error={listError(errors, 'allowedTargets')}
        />
      )}
      <fieldset>
        <legend className="block text-sm font-medium text-slate-700">Who may use it</legend>
        <p className="mt-1 text-xs text-slate-500">Admins always may. Nothing chosen: every editor may.</p>
        <div className="mt-1.5 flex gap-4 text-sm text-slate-700">
          {(['analyst', 'operator'] as const).map((role) => (
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
          <div className="mt-3">
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
          </div>
        )}
        {listError(errors, 'useUserIds') && (
          <p className="mt-1 text-xs text-red-600">{listError(errors, 'useUserIds')}</p>
        )}
      </fieldset>
    </>
  );
}

export function EditLimitsModal({
  credential,
  users,
  onClose,
  targets = true,
}: {
  credential: Credential;
  users: readonly User[];
  onClose: () => void;
  /** Whether its type is sent in HTTP requests (LimitsFields). */
  targets?: boolean;
}) {
  const queryClient = useQueryClient();
  const [limits, setLimits] = useState<LimitsForm>(limitsForm(credential));
  const save = useMutation({
    mutationFn: () => call('PATCH /credentials/:id', { params: { id: credential.id }, body: limitsBody(limits) }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: credentialQueries.all });
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
        <LimitsFields value={limits} onChange={setLimits} users={users} errors={errors} targets={targets} />
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
