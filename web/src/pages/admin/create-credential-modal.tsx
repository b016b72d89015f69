import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { CredentialTypeInfo, User } from '../../api/account-types.ts';
import { ApiError, call } from '../../api/client.ts';
import { credentialQueries } from '../../api/queries/credentials.ts';
import { FormFooter, fieldErrors, SelectField, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import { ErrorState, Spinner } from '../../components/ui.tsx';
import { initialValue, problemKey } from '../../forms/schema.ts';
import { type ProblemsByField, SchemaForm } from '../../forms/schema-form.tsx';
import { isLimitsField, LimitsFields, type LimitsForm, limitsBody, limitsForm } from './credential-limits.tsx';
import { useCredentialTypes } from './credential-queries.ts';

/** A new secret of a type: each field empty, or as its schema starts it. */
const emptySecret = (type: CredentialTypeInfo) =>
  (initialValue(type.secretSchema, type.secretSchema) ?? {}) as Record<string, unknown>;

/**
 * The API names a secret's fields `secret.<field>`; the form renderer, made for node settings,
 * knows a field by `problemKey` of its path (`config.<field>`).
 */
function secretProblems(errors: Record<string, string>): ProblemsByField {
  const problems = new Map<string, string[]>();
  for (const [field, message] of Object.entries(errors)) {
    if (field.startsWith('secret.')) problems.set(problemKey(field.slice('secret.'.length).split('.')), [message]);
  }
  return problems;
}

/**
 * A new credential: its name, its type (from the server's catalogue), the secret's form rendered
 * from that type's JSON Schema by the node settings' renderer (secret fields as passwords), and
 * the limits every credential has.
 */
export function CreateCredentialModal({ users, onClose }: { users: readonly User[]; onClose: () => void }) {
  const types = useCredentialTypes();
  return (
    <Modal
      title="New credential"
      description="The secret is encrypted when saved and never sent back."
      onClose={onClose}
      width="max-w-xl"
    >
      {types.isPending ? (
        <Spinner label="Loading credential types…" />
      ) : types.isError ? (
        <ErrorState error={types.error} retry={() => types.refetch()} />
      ) : (
        <CredentialForm types={types.data.items} users={users} onClose={onClose} />
      )}
    </Modal>
  );
}

function CredentialForm({
  types,
  users,
  onClose,
}: {
  types: readonly CredentialTypeInfo[];
  users: readonly User[];
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState(types[0]);
  const [secret, setSecret] = useState<Record<string, unknown>>(() => (type ? emptySecret(type) : {}));
  const [limits, setLimits] = useState<LimitsForm>(limitsForm());
  const create = useMutation({
    mutationFn: () =>
      call('POST /credentials', {
        body: { name, type: type?.type ?? '', secret, ...limitsBody(limits, type?.sentOverHttp !== false) },
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: credentialQueries.all });
      onClose();
    },
  });
  const errors = create.error instanceof ApiError ? fieldErrors(create.error.details) : {};
  const shownByFields = (field: string) => field === 'name' || field.startsWith('secret.') || isLimitsField(field);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  if (!type) return <p className="text-sm text-slate-500">This server knows no credential types.</p>;
  return (
    <form onSubmit={submit} className="space-y-4">
      <TextField
        label="Name"
        required
        autoFocus
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
      />
      <div>
        <SelectField
          label="Type"
          value={type.type}
          onChange={(e) => {
            const next = types.find((candidate) => candidate.type === e.target.value);
            if (!next) return;
            setType(next);
            setSecret(emptySecret(next));
          }}
        >
          {types.map((candidate) => (
            <option key={candidate.type} value={candidate.type}>
              {candidate.title}
            </option>
          ))}
        </SelectField>
        <p className="mt-1 text-xs text-slate-500">{type.description}</p>
      </div>
      <fieldset className="rounded-lg border border-slate-200 bg-slate-50/60 p-3.5">
        <legend className="px-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Secret</legend>
        <SchemaForm
          key={type.type}
          schema={type.secretSchema}
          value={secret}
          onChange={setSecret}
          problems={secretProblems(errors)}
        />
      </fieldset>
      <LimitsFields value={limits} onChange={setLimits} users={users} errors={errors} targets={type.sentOverHttp} />
      <FormFooter
        error={create.error}
        fieldsShowIt={Object.keys(errors).length > 0 && Object.keys(errors).every(shownByFields)}
        onCancel={onClose}
        busy={create.isPending}
        submitLabel="Save credential"
      />
    </form>
  );
}
