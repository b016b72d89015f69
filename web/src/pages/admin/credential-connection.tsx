import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CheckCircle2, CircleDashed, Link2, TriangleAlert, Unlink } from 'lucide-react';
import { useSearchParams } from 'react-router';
import type { Credential } from '../../api/account-types.ts';
import { call } from '../../api/client.ts';
import { credentialQueries } from '../../api/queries/credentials.ts';
import { Notice } from '../../components/notice.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';
import { dateTime } from '../../lib/dates.ts';

/*
 * How an OAuth 2 credential stands on the credentials page, and its Connect button: the server
 * answers the provider's authorization URL, the browser goes there, and the provider sends it back
 * through the server's callback to this page, with `?oauth2=connected` or `?oauth2=error&message=`.
 */

type Connection = NonNullable<Credential['connection']>;

const look = {
  connected: { label: 'Connected', icon: CheckCircle2, badge: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20' },
  not_connected: { label: 'Not connected', icon: CircleDashed, badge: 'bg-slate-100 text-slate-600 ring-slate-500/20' },
  reconnect_needed: {
    label: 'Reconnect needed',
    icon: TriangleAlert,
    badge: 'bg-amber-50 text-amber-800 ring-amber-600/30',
  },
} as const;

/** "in 52 min", "in 3 h", "expired": when the access token stops working. */
function expiry(expiresAt: string, now = Date.now()): string {
  const minutes = Math.round((Date.parse(expiresAt) - now) / 60_000);
  if (minutes <= 0) return 'expired, renewed when next used';
  return minutes < 120 ? `expires in ${minutes} min` : `expires ${dateTime(expiresAt)}`;
}

/** The connection's badge with what it holds: scopes and expiry, or why it needs reconnecting. */
export function ConnectionStatus({ connection }: { connection: Connection }) {
  const { label, icon: Icon, badge } = look[connection.status];
  const notYet = connection.status === 'not_connected';
  return (
    <div className="mt-1 space-y-1">
      <span
        className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset ${badge}`}
      >
        <Icon className="size-3" aria-hidden />
        {label}
      </span>
      {connection.status === 'reconnect_needed' && connection.problem && (
        <p className="max-w-60 text-xs text-amber-800">{connection.problem}</p>
      )}
      {connection.scopes.length > 0 && (
        <ul className="flex max-w-60 flex-wrap gap-1" aria-label={notYet ? 'Scopes asked for' : 'Scopes granted'}>
          {connection.scopes.map((scope) => (
            <li key={scope}>
              <code className="rounded bg-slate-100 px-1 py-px text-[11px] text-slate-600">{scope}</code>
            </li>
          ))}
        </ul>
      )}
      {connection.status === 'connected' && connection.expiresAt && (
        <p className="text-[11px] text-slate-500">Token {expiry(connection.expiresAt)}</p>
      )}
      {notYet && !connection.interactive && (
        <p className="max-w-60 text-[11px] text-slate-500">Tokens are fetched when first used</p>
      )}
    </div>
  );
}

/** Connect (or Reconnect) and Disconnect, for a credential an admin connects in the browser. */
export function ConnectionActions({
  credential,
  onError,
}: {
  credential: Credential;
  onError: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const connection = credential.connection;
  const connect = useMutation({
    mutationFn: () => call('POST /credentials/:id/connect', { params: { id: credential.id } }),
    // The provider's page: it sends the browser back here when the admin has answered.
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
    onError: (error) => onError(`Could not connect "${credential.name}": ${errorMessage(error)}`),
  });
  const disconnect = useMutation({
    mutationFn: () => call('POST /credentials/:id/disconnect', { params: { id: credential.id } }),
    onError: (error) => onError(`Could not disconnect "${credential.name}": ${errorMessage(error)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialQueries.all }),
  });
  if (!connection?.interactive) return null;
  const again = connection.status !== 'not_connected';
  return (
    <>
      <Button
        size="sm"
        variant={connection.status === 'connected' ? 'ghost' : 'secondary'}
        aria-label={`${again ? 'Reconnect' : 'Connect'} ${credential.name}`}
        icon={<Link2 className="size-3.5" />}
        busy={connect.isPending || connect.isSuccess}
        onClick={() => connect.mutate()}
      >
        {again ? 'Reconnect' : 'Connect'}
      </Button>
      {connection.status === 'connected' && (
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Disconnect ${credential.name}`}
          icon={<Unlink className="size-3.5" />}
          busy={disconnect.isPending}
          onClick={() => disconnect.mutate()}
        >
          Disconnect
        </Button>
      )}
    </>
  );
}

/** What the provider's round trip came back with (`?oauth2=…`), until dismissed. */
export function ConnectOutcome({ credentials }: { credentials: readonly Credential[] | undefined }) {
  const [params, setParams] = useSearchParams();
  const outcome = params.get('oauth2');
  // Shown once the list has loaded, so it names the credential from the start.
  if ((outcome !== 'connected' && outcome !== 'error') || !credentials) return null;
  const credential = credentials?.find((candidate) => candidate.id === params.get('credential'));
  const name = credential ? `"${credential.name}"` : 'the credential';
  const dismiss = () => setParams({}, { replace: true });
  if (outcome === 'error') {
    return (
      <Notice kind="error" onDismiss={dismiss}>
        <p className="font-medium">Could not connect {name}</p>
        <p className="mt-0.5 text-red-700">{params.get('message') ?? 'The provider did not say why.'}</p>
      </Notice>
    );
  }
  // Stale once the connection has changed since (refused, disconnected): the row says how it stands.
  if (credential?.connection && credential.connection.status !== 'connected') return null;
  const scopes = credential?.connection?.scopes ?? [];
  return (
    <Notice kind="success" onDismiss={dismiss}>
      <p className="font-medium">Connected {name}</p>
      <p className="mt-0.5 text-emerald-700">
        {scopes.length > 0 ? `Granted: ${scopes.join(', ')}. ` : ''}Stepwise renews its token by itself from now on.
      </p>
    </Notice>
  );
}
