import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound, PlugZap, Plus, ShieldCheck, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { Credential, User } from '../../api/account-types.ts';
import { call } from '../../api/client.ts';
import { userQueries } from '../../api/queries/accounts.ts';
import { credentialQueries } from '../../api/queries/credentials.ts';
import { Modal } from '../../components/modal.tsx';
import { Notice } from '../../components/notice.tsx';
import { Cell, Table } from '../../components/table.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { dateTime } from '../../lib/dates.ts';
import { CreateCredentialModal } from './create-credential-modal.tsx';
import { ConnectionActions, ConnectionStatus, ConnectOutcome } from './credential-connection.tsx';
import { EditLimitsModal } from './credential-limits.tsx';
import { typeTitle, useCredentialTypes } from './credential-queries.ts';
import { TestConnectionModal } from './test-connection-modal.tsx';

/** Who may use a credential, in a few words for the table. */
function whoMayUse(credential: Credential, users: readonly User[] | undefined): string {
  if (credential.useRoles.length === 0 && credential.useUserIds.length === 0) return 'Every editor';
  const names = credential.useUserIds.map((id) => users?.find((user) => user.id === id)?.email ?? id);
  return ['Admins', ...credential.useRoles.map((role) => `${role}s`), ...names].join(', ');
}

export function CredentialsPage() {
  const queryClient = useQueryClient();
  const credentials = useQuery(credentialQueries.list());
  const users = useQuery(userQueries.list());
  const types = useCredentialTypes();
  const typeOf = (credential: Credential) => types.data?.items.find((type) => type.type === credential.type);
  const testable = (credential: Credential) => typeOf(credential)?.testable === true;
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Credential | null>(null);
  const [testing, setTesting] = useState<Credential | null>(null);
  const [deleting, setDeleting] = useState<Credential | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => call('DELETE /credentials/:id', { params: { id } }),
    onSuccess: () => setDeleting(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialQueries.all }),
  });

  return (
    <>
      <PageHeader
        title="Credentials"
        description="Secrets and OAuth 2 connections that HTTP requests, webhooks, email and databases use. They are encrypted at rest and never shown again."
        actions={
          <Button variant="primary" icon={<Plus className="size-4" />} onClick={() => setCreating(true)}>
            New credential
          </Button>
        }
      />
      <ConnectOutcome credentials={credentials.data?.items} />
      {problem && (
        <Notice kind="error" onDismiss={() => setProblem(null)}>
          {problem}
        </Notice>
      )}
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
        <Table head={['Name', 'Type', 'Allowed targets', 'Who may use it', 'Created', '']}>
          {credentials.data.items.map((credential) => (
            <tr key={credential.id}>
              <Cell>
                <div className="font-medium whitespace-nowrap text-slate-900">{credential.name}</div>
                {/* For API callers, who name credentials by id in node configs. */}
                <div className="font-mono text-[11px] text-slate-400 select-all" title="ID (for node configs)">
                  {credential.id}
                </div>
              </Cell>
              <Cell>
                <div className="whitespace-nowrap">{typeTitle(types.data?.items, credential.type)}</div>
                {credential.connection && <ConnectionStatus connection={credential.connection} />}
              </Cell>
              <Cell className="max-w-64 font-mono text-xs break-all">
                {typeOf(credential)?.usesTargets === false ? (
                  // A database or webhook-signing credential is never sent in an HTTP request.
                  <span className="font-sans text-slate-400">Not sent over HTTP</span>
                ) : credential.allowedTargets.length > 0 ? (
                  credential.allowedTargets.map((target) => <div key={target}>{target}</div>)
                ) : (
                  <span className="font-sans text-amber-700">Nowhere yet</span>
                )}
              </Cell>
              <Cell className="text-xs">{whoMayUse(credential, users.data?.items)}</Cell>
              <Cell className="text-xs text-slate-500">{dateTime(credential.createdAt)}</Cell>
              <Cell className="text-right whitespace-nowrap">
                <ConnectionActions credential={credential} onError={setProblem} />
                {testable(credential) && (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Test connection of ${credential.name}`}
                    icon={<PlugZap className="size-3.5" />}
                    onClick={() => setTesting(credential)}
                  >
                    Test
                  </Button>
                )}
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
        <EditLimitsModal
          credential={editing}
          users={users.data?.items ?? []}
          onClose={() => setEditing(null)}
          targets={typeOf(editing)?.usesTargets !== false}
        />
      )}
      {testing && (
        <TestConnectionModal
          credential={testing}
          needsUrl={typeOf(testing)?.testNeedsUrl !== false}
          connects={typeOf(testing)?.connects === true}
          onClose={() => setTesting(null)}
        />
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
