import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { Variable } from '../../api/account-types.ts';
import { ApiError, call } from '../../api/client.ts';
import { variableQueries } from '../../api/queries/variables.ts';
import { FormFooter, fieldErrors, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';

/** What `vars.NAME` can name; the server says the same in its own words when it refuses one. */
const NAME_PATTERN = '[A-Za-z_][A-Za-z0-9_]*';

/** Problems by field: the server's validation details, and a taken name next to the name. */
function problems(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  if (error.code === 'name_taken') return { name: error.message };
  return fieldErrors(error.details);
}

/** Adds a variable, or (given one) changes it: its name, value and description. */
export function VariableModal({ variable, onClose }: { variable?: Variable; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    name: variable?.name ?? '',
    value: variable?.value ?? '',
    description: variable?.description ?? '',
  });
  const save = useMutation({
    mutationFn: () =>
      variable
        ? call('PATCH /variables/:id', { params: { id: variable.id }, body: form })
        : call('POST /variables', { body: form }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: variableQueries.all });
      onClose();
    },
  });
  const errors = problems(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Modal
      title={variable ? `Edit ${variable.name}` : 'New variable'}
      description={
        variable
          ? 'Runs started from now on read the new value; runs already started keep the one they read.'
          : 'Workflows read it as {{ vars.NAME }}. Values are visible to every signed-in user: keep secrets in credentials.'
      }
      onClose={onClose}
    >
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Name"
          required
          autoFocus={!variable}
          pattern={NAME_PATTERN}
          title="Letters, digits and _, not starting with a digit"
          spellCheck={false}
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          hint={
            <>
              Letters, digits and _, not starting with a digit. Used as{' '}
              <code className="font-mono">{`{{ vars.${form.name || 'NAME'} }}`}</code>
            </>
          }
          error={errors.name}
        />
        <TextField
          label="Value"
          autoFocus={Boolean(variable)}
          spellCheck={false}
          value={form.value}
          onChange={(e) => setForm({ ...form, value: e.target.value })}
          hint="Always text. An empty value is allowed."
          error={errors.value}
        />
        <TextField
          label="Description"
          placeholder="What it is for"
          value={form.description}
          onChange={(e) => setForm({ ...form, description: e.target.value })}
          error={errors.description}
        />
        <FormFooter
          error={save.error}
          fieldsShowIt={Object.keys(errors).length > 0}
          onCancel={onClose}
          busy={save.isPending}
          submitLabel={variable ? 'Save changes' : 'Add variable'}
        />
      </form>
    </Modal>
  );
}
