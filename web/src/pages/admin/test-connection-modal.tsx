import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CheckCircle2, Loader2, XCircle } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { ConnectionTestResult, Credential } from '../../api/account-types.ts';
import { ApiError, call } from '../../api/client.ts';
import { credentialQueries } from '../../api/queries/credentials.ts';
import { fieldErrors, TextField } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';

/**
 * "Test connection", done by a worker: an HTTP-style credential is sent with a GET to a URL the
 * admin gives (among its allowed targets); other types (SMTP, OAuth2, databases) reach their server
 * themselves. The page shows what came back: running, connected, or why not.
 */
export function TestConnectionModal({
  credential,
  needsUrl,
  connects,
  onClose,
}: {
  credential: Credential;
  /** The type is tested by a GET to a URL (HTTP-style types); others reach their server themselves. */
  needsUrl: boolean;
  /** The type connects to a provider for tokens (OAuth 2): its test asks the provider for one. */
  connects: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState(credential.allowedTargets[0] ?? '');
  const test = useMutation({
    mutationFn: () =>
      call('POST /credentials/:id/test', { params: { id: credential.id }, body: needsUrl ? { url } : {} }),
    // A token test may change how a connection stands (renewed, or "reconnect needed"): the list shows it.
    onSettled: () => (connects ? queryClient.invalidateQueries({ queryKey: credentialQueries.all }) : undefined),
  });
  const errors = test.error instanceof ApiError ? fieldErrors(test.error.details) : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    test.mutate();
  };
  return (
    <Modal
      title={`Test "${credential.name}"`}
      description={
        needsUrl
          ? 'A worker sends the credential with a GET request to this URL and reports the answer’s status. The answer itself is not shown.'
          : connects
            ? 'A worker asks the provider for a new access token (a refresh, or a client credentials request) and reports what it says. The token itself is not shown.'
            : 'A worker connects to the server this credential names, signs in with it, and reports how it went. Nothing is sent or changed.'
      }
      onClose={onClose}
      width="max-w-xl"
    >
      <form onSubmit={submit} className="space-y-4">
        {needsUrl && (
          <TextField
            label="URL"
            type="url"
            required
            autoFocus
            placeholder="https://api.example.com/v1/me"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={errors.url}
            hint={
              credential.allowedTargets.length > 0
                ? `It must lie under an allowed target: ${credential.allowedTargets.join(', ')}`
                : 'This credential has no allowed targets yet, so it may not be sent anywhere: set them in its limits first.'
            }
          />
        )}
        <Outcome test={test} needsUrl={needsUrl} />
        <div className="flex justify-end gap-2 pt-2">
          <Button onClick={onClose}>Close</Button>
          <Button type="submit" variant="primary" busy={test.isPending}>
            Test connection
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function Outcome({
  test,
  needsUrl,
}: {
  test: { isPending: boolean; data: ConnectionTestResult | undefined; error: Error | null };
  needsUrl: boolean;
}) {
  if (test.isPending) {
    return (
      <div role="status" className="flex items-center gap-2.5 rounded-lg bg-slate-50 p-3 text-sm text-slate-600">
        <Loader2 className="size-4 animate-spin" aria-hidden />
        {needsUrl ? 'Testing… a worker is sending the request.' : 'Testing… a worker is connecting.'}
      </div>
    );
  }
  // A refused URL is shown under the field; anything else the server refused is shown here.
  if (test.error && !(test.error instanceof ApiError && fieldErrors(test.error.details).url)) {
    return <Result ok={false} title="Could not test" detail={errorMessage(test.error)} />;
  }
  if (!test.data) return null;
  const { ok, status, message } = test.data;
  const code = status === undefined ? '' : `: HTTP ${status}`;
  const title = ok ? `Connected${code}` : `Not connected${code}`;
  return <Result ok={ok} title={title} detail={message} />;
}

function Result({ ok, title, detail }: { ok: boolean; title: string; detail: string }) {
  const Icon = ok ? CheckCircle2 : XCircle;
  return (
    <div
      role={ok ? 'status' : 'alert'}
      className={`flex items-start gap-3 rounded-lg border p-3 text-sm ${
        ok ? 'border-emerald-200 bg-emerald-50 text-emerald-800' : 'border-red-200 bg-red-50 text-red-800'
      }`}
    >
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="min-w-0">
        <p className="font-medium">{title}</p>
        <p className={`mt-0.5 break-words ${ok ? 'text-emerald-700' : 'text-red-700'}`}>{detail}</p>
      </div>
    </div>
  );
}
