import { useQuery } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { credentialQueries } from '../../api/queries/credentials.ts';
import type { Template } from '../../api/types.ts';

/** Credential types by their catalogue titles; a type this server lacks keeps its own name. */
function useCredentialTitles(): (type: string) => string {
  const types = useQuery(credentialQueries.types()).data?.items ?? [];
  return (type) => types.find((each) => each.type === type)?.title ?? type;
}

/** The kinds of credential a template needs, each once: required first, then optional ones. */
function kindsOf(credentials: Template['credentials']) {
  const required = [...new Set(credentials.filter((each) => !each.optional).flatMap((each) => each.types))];
  const optional = [
    ...new Set(credentials.filter((each) => each.optional).map((each) => each.types.join(' or '))),
  ].filter((kind) => !required.includes(kind));
  return { required, optional };
}

/** One line on a card: which credentials to prepare before the workflow can run. */
export function CredentialNeeds({ credentials }: { credentials: Template['credentials'] }) {
  const titleOf = useCredentialTitles();
  const { required, optional } = kindsOf(credentials);
  if (required.length === 0) {
    return (
      <p className="flex items-center gap-1.5 text-xs text-slate-500" data-testid="credential-needs">
        <KeyRound className="size-3.5 shrink-0 text-slate-400" aria-hidden />
        {optional.length === 0 ? 'No credentials needed' : 'Optional sign-in for your API'}
      </p>
    );
  }
  return (
    <p className="flex min-w-0 items-center gap-1.5 text-xs text-slate-600" data-testid="credential-needs">
      <KeyRound className="size-3.5 shrink-0 text-amber-500" aria-hidden />
      <span className="shrink-0">Needs</span>
      {required.map((type) => (
        <span
          key={type}
          className="truncate rounded bg-amber-50 px-1.5 py-0.5 font-medium text-amber-800 ring-1 ring-amber-200 ring-inset"
        >
          {titleOf(type)}
        </span>
      ))}
    </p>
  );
}

const eitherOf = new Intl.ListFormat('en', { type: 'disjunction' });

/** The detail's list: every credential field the user fills in, what it is for, which types fit. */
export function CredentialList({ credentials }: { credentials: Template['credentials'] }) {
  const titleOf = useCredentialTitles();
  if (credentials.length === 0) {
    return <p className="text-sm text-slate-500">None: it runs as it is once you have put in your addresses.</p>;
  }
  return (
    <ul className="space-y-2.5">
      {credentials.map((credential) => (
        <li key={`${credential.node}.${credential.field}`} className="flex items-start gap-2.5 text-sm">
          <KeyRound
            className={`mt-0.5 size-4 shrink-0 ${credential.optional ? 'text-slate-400' : 'text-amber-500'}`}
            aria-hidden
          />
          <div className="min-w-0">
            <p className="text-slate-800">
              {credential.purpose}
              {credential.optional && <span className="ml-1.5 text-xs text-slate-400">optional</span>}
            </p>
            <p className="text-xs text-slate-500">{eitherOf.format(credential.types.map(titleOf))}</p>
          </div>
        </li>
      ))}
    </ul>
  );
}
