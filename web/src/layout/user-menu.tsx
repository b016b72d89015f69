import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LogOut, UserRound } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import { call } from '../api/client.ts';
import { ROLE_LABELS } from '../auth/permissions.ts';
import { useCurrentUser } from '../auth/session.tsx';

/** Who is signed in, with their role, a way to their account settings, and sign-out. */
export function UserMenu() {
  const user = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: () => call('POST /auth/logout'),
    onSettled: () => {
      queryClient.clear();
      navigate('/login', { replace: true });
    },
  });
  return (
    <div className="border-t border-slate-200 p-3">
      <Link
        to="/account"
        className="flex items-center gap-2.5 rounded-md px-1.5 py-1.5 hover:bg-slate-100"
        title="Account settings"
      >
        <span className="flex size-8 items-center justify-center rounded-full bg-accent-100 text-accent-700">
          <UserRound className="size-4" aria-hidden />
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium text-slate-900">{user.name}</span>
          <span className="block truncate text-xs text-slate-500">{ROLE_LABELS[user.role]}</span>
        </span>
      </Link>
      <button
        type="button"
        onClick={() => logout.mutate()}
        className="mt-1 flex w-full items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        <LogOut className="size-4" aria-hidden />
        Sign out
      </button>
    </div>
  );
}
