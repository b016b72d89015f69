import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Me, User } from '../api/account-types.ts';
import { ApiError, onUnauthorized } from '../api/client.ts';
import { authQueries } from '../api/queries/auth.ts';
import { ErrorState, Spinner } from '../components/ui.tsx';
import { type Permission, roleCan } from './permissions.ts';

const SessionContext = createContext<Me | undefined>(undefined);

export const ME_QUERY_KEY = authQueries.me().queryKey;

/** The signed-in user; only inside `RequireSession`. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside RequireSession');
  return me;
}

/** The address users and webhook senders reach Stepwise at (`PUBLIC_URL`, else this page's origin). */
export function usePublicUrl(): string {
  return useContext(SessionContext)?.publicUrl ?? window.location.origin;
}

export function useCurrentUser(): User {
  return useSession().user;
}

/** Whether the caller may do this; an API key acts with its own (possibly lower) role. */
export function useCan(permission: Permission): boolean {
  const me = useContext(SessionContext);
  if (!me) return false;
  return roleCan(me.user.role, permission) && (me.keyRole === null || roleCan(me.keyRole, permission));
}

/** Publishing an earlier version is a rollback (operators may); a newer one is a publish (admins). */
export function useCanPublishVersion(isRollback: boolean): boolean {
  const canOperate = useCan('operate');
  const canPublish = useCan('publish');
  return isRollback ? canOperate : canPublish;
}

/**
 * Pages behind sign-in. Without a session it sends the browser to /setup while Stepwise has no
 * user yet, else to /login, remembering where the user was going.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const queryClient = useQueryClient();
  const me = useQuery({
    ...authQueries.me(),
    retry: false,
    staleTime: 60_000,
  });
  const unauthenticated = me.error instanceof ApiError && me.error.status === 401;
  const state = useQuery({
    ...authQueries.state(),
    enabled: unauthenticated,
  });

  // A session that ends while the app is open (expired, revoked) sends the user back to sign in.
  useEffect(() => {
    onUnauthorized(() => void queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY }));
  }, [queryClient]);

  if (me.isPending || (unauthenticated && state.isPending)) return <Spinner label="Loading Stepwise…" />;
  if (unauthenticated) {
    if (state.data?.setupRequired) return <Navigate to="/setup" replace />;
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.isError) {
    return (
      <div className="p-10">
        <ErrorState error={me.error} retry={() => me.refetch()} />
      </div>
    );
  }
  return <SessionContext.Provider value={me.data}>{children}</SessionContext.Provider>;
}
