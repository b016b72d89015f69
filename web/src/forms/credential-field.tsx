import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';
import { credentialQueries } from '../api/queries/credentials.ts';
import { shortId } from '../lib/short-id.ts';
import { inputClass } from './input-class.ts';

/** One query for every credential field of every node, asked once and cached (credentialQueries). */
export function useCredentialChoices() {
  return useQuery(credentialQueries.choices());
}

/** An id shown where its credential is gone: UUIDs by their random end, anything else as typed. */
function shortName(id: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id)) return shortId(id);
  return id.length > 16 ? `${id.slice(0, 15)}…` : id;
}

/**
 * A stored credential's id, picked by name among the credentials of the types the field takes.
 * A stored id that is not among them (deleted, or of another type) is kept and shown for what it
 * is. When the listing is refused or fails, the id is edited as text: nothing is lost or hidden.
 */
export function CredentialField({
  id,
  value,
  types,
  required,
  invalid,
  onChange,
}: {
  id: string;
  value: unknown;
  types: readonly string[] | undefined;
  required: boolean;
  invalid: boolean;
  onChange: (value: string | undefined) => void;
}) {
  const choices = useCredentialChoices();
  const current = typeof value === 'string' && value !== '' ? value : undefined;

  // A refresh that fails keeps the list already shown; only a first answer that failed falls back.
  if (choices.data === undefined && !choices.isError) {
    return (
      <select id={id} disabled aria-busy="true" className={inputClass(invalid)}>
        <option>Loading credentials…</option>
      </select>
    );
  }
  if (choices.data === undefined) {
    const refused = choices.error instanceof ApiError && choices.error.status === 403;
    return (
      <>
        <input
          id={id}
          type="text"
          spellCheck={false}
          placeholder="Credential id"
          className={`${inputClass(invalid)} font-mono`}
          value={current ?? ''}
          onChange={(event) => onChange(event.target.value === '' && !required ? undefined : event.target.value)}
        />
        <p className="mt-1 text-xs text-slate-500">
          {refused
            ? 'Your role may not list credentials: enter a credential’s id.'
            : 'Credentials could not be listed: enter a credential’s id, or '}
          {!refused && (
            <button
              type="button"
              className="font-medium text-accent-700 hover:underline"
              onClick={() => void choices.refetch()}
            >
              try again
            </button>
          )}
        </p>
      </>
    );
  }

  const fitting = choices.data.items.filter((choice) => !types || types.includes(choice.type));
  const stored = current === undefined ? undefined : choices.data.items.find((choice) => choice.id === current);
  const kept = current !== undefined && !fitting.some((choice) => choice.id === current);
  return (
    <>
      <select
        id={id}
        className={inputClass(invalid)}
        value={current ?? ''}
        onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
      >
        {(!required || current === undefined) && <option value="">{required ? 'Choose a credential…' : 'None'}</option>}
        {fitting.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name} ({choice.type})
          </option>
        ))}
        {kept && (
          <option value={current} title={current}>
            {stored
              ? `${stored.name} (${stored.type}: not a type this field takes)`
              : `Unknown credential (${shortName(current)})`}
          </option>
        )}
      </select>
      {fitting.length === 0 && (
        <p className="mt-1 text-xs text-slate-500">
          No {types ? `${types.join(', ')} ` : ''}credentials yet: admins add them on the Credentials page.
        </p>
      )}
    </>
  );
}
