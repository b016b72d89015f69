import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { CredentialTypeInfo, User } from '../../api/account-types.ts';
import { ApiError, call } from '../../api/client.ts';
import { credentialQueries } from '../../api/queries/credentials.ts';
import { PackLabel } from '../../canvas/pack-label.tsx';
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
  /** The provider preset the secret's form started from ('' for none): it only fills in fields. */
  const [preset, setPreset] = useState('');
  const [limits, setLimits] = useState<LimitsForm>(limitsForm());
  const create = useMutation({
    mutationFn: () =>
      call('POST /credentials', {
        body: {
          name,
          type: type?.type ?? '',
          secret,
          // Targets typed for an HTTP-style type first chosen do not stay with a database credential.
          ...limitsBody(type?.usesTargets === false ? { ...limits, targets: '' } : limits),
        },
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
            setPreset('');
          }}
        >
          {types.map((candidate) => (
            <option key={candidate.type} value={candidate.type}>
              {candidate.title}
              {candidate.pack ? ` (${candidate.pack.name}@${candidate.pack.version})` : ''}
            </option>
          ))}
        </SelectField>
        <p className="mt-1 text-xs text-slate-500">{type.description}</p>
        {type.pack && (
          <p className="mt-1 flex items-center gap-1.5 text-xs text-slate-500">
            From the node pack <PackLabel pack={type.pack} />
          </p>
        )}
      </div>
      {type.presets.length > 0 && (
        <div>
          <SelectField
            label="Provider"
            value={preset}
            onChange={(e) => {
              const chosen = type.presets.find((candidate) => candidate.name === e.target.value);
              setPreset(e.target.value);
              setSecret({ ...emptySecret(type), ...(chosen?.values ?? {}) });
            }}
          >
            <option value="">Other (enter the endpoints)</option>
            {type.presets.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.title}
              </option>
            ))}
          </SelectField>
          <p className="mt-1 text-xs text-slate-500">Fills in the provider’s endpoints.</p>
        </div>
      )}
      {type.redirectUri && (
        <div className="rounded-lg border border-accent-100 bg-accent-50/60 p-3 text-xs text-slate-700">
          <p>
            Register Stepwise as an app with the provider to get a client ID and secret, with this redirect URI
            (callback URL):
          </p>
          <code className="mt-1.5 block rounded bg-white px-2 py-1 font-mono text-[11px] break-all text-slate-800 ring-1 ring-slate-200 select-all">
            {type.redirectUri}
          </code>
        </div>
      )}
      <fieldset className="rounded-lg border border-slate-200 bg-slate-50/60 p-3.5">
        <legend className="px-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
          {type.connects ? 'Settings' : 'Secret'}
        </legend>
        <SchemaForm
          key={`${type.type}:${preset}`}
          schema={type.secretSchema}
          value={secret}
          onChange={setSecret}
          problems={secretProblems(errors)}
        />
      </fieldset>
      <LimitsFields
        value={limits}
        onChange={setLimits}
        users={users}
        errors={errors}
        targets={type.usesTargets !== false}
      />
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
