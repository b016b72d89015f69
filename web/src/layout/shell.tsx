import { useQuery } from '@tanstack/react-query';
import { Activity, Braces, CalendarClock, Inbox, KeyRound, ScrollText, Users, Workflow } from 'lucide-react';
import { NavLink, Outlet } from 'react-router';
import { approvalQueries } from '../api/queries/approvals.ts';
import { useCan } from '../auth/session.tsx';
import { pendingSummary } from '../pages/approvals/approval-words.ts';
import { UserMenu } from './user-menu.tsx';

const navigation = [
  { to: '/workflows', label: 'Workflows', icon: Workflow },
  { to: '/executions', label: 'Executions', icon: Activity },
  { to: '/schedules', label: 'Schedules', icon: CalendarClock },
  { to: '/approvals', label: 'Approvals', icon: Inbox },
];

const adminNavigation = [
  { to: '/admin/users', label: 'Users', icon: Users },
  { to: '/admin/credentials', label: 'Credentials', icon: KeyRound },
  { to: '/admin/variables', label: 'Variables', icon: Braces },
  { to: '/admin/audit', label: 'Audit log', icon: ScrollText },
];

const variablesItem = { to: '/admin/variables', label: 'Variables', icon: Braces };

export function Logo() {
  return (
    <div className="flex items-center gap-2">
      <img src="/favicon.svg" alt="" className="size-7" />
      <span className="text-[15px] font-semibold tracking-tight text-slate-900">Stepwise</span>
    </div>
  );
}

/**
 * How many approvals wait for a decision, beside the inbox's link. Every role sees them; the badge
 * is coloured only when some are the viewer's to decide, so it asks for action only when it can.
 */
function PendingApprovals() {
  const answer = useQuery(approvalQueries.pending()).data;
  if (!answer || answer.pending === 0) return null;
  const { pending, yours } = pendingSummary(answer);
  return (
    <span
      className={`ml-auto rounded-full px-1.5 text-xs font-semibold tabular-nums ${yours > 0 ? 'bg-violet-600 text-white' : 'bg-slate-200 text-slate-600'}`}
      title={yours > 0 ? `${pending} waiting for a decision` : `${pending} waiting, none your role can decide`}
      data-testid="pending-approvals"
    >
      {pending}
      <span className="sr-only"> pending</span>
    </span>
  );
}

function NavItem({ to, label, icon: Icon }: { to: string; label: string; icon: typeof Workflow }) {
  return (
    <NavLink
      to={to}
      className={({ isActive }) =>
        `flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium ${
          isActive ? 'bg-accent-50 text-accent-700' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'
        }`
      }
    >
      <Icon className="size-4" aria-hidden />
      {label}
      {to === '/approvals' && <PendingApprovals />}
    </NavLink>
  );
}

/** The frame around every page but the editor: navigation on the left, the page on the right. */
export function Shell() {
  const isAdmin = useCan('admin');
  return (
    <div className="flex h-full">
      <aside className="flex w-56 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="flex h-14 items-center px-4">
          <Logo />
        </div>
        <nav className="flex flex-1 flex-col gap-0.5 px-2 py-2" aria-label="Main">
          {navigation.map((item) => (
            <NavItem key={item.to} {...item} />
          ))}
          {/* Everyone reads the variables they write as vars.NAME; admins find the page among theirs. */}
          {!isAdmin && <NavItem {...variablesItem} />}
          {isAdmin && (
            <>
              <div className="mt-5 mb-1 px-2.5 text-[11px] font-semibold tracking-wider text-slate-400 uppercase">
                Administration
              </div>
              {adminNavigation.map((item) => (
                <NavItem key={item.to} {...item} />
              ))}
            </>
          )}
        </nav>
        <UserMenu />
      </aside>
      <main className="min-w-0 flex-1 overflow-y-auto">
        <div className="mx-auto max-w-6xl px-8 py-8">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
