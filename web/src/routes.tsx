import type { RouteObject } from 'react-router';
import { AccountPage } from './pages/account/account-page.tsx';
import { AuditPage } from './pages/admin/audit-page.tsx';
import { CredentialsPage } from './pages/admin/credentials-page.tsx';
import { UsersPage } from './pages/admin/users-page.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { WorkflowsPage } from './pages/workflows.tsx';

/**
 * Every page of the app behind sign-in. `fullScreen` pages (the editor) draw their own frame; the
 * others sit in the shell with the navigation.
 */
export const routes: { fullScreen: RouteObject[]; inShell: RouteObject[] } = {
  fullScreen: [],
  inShell: [
    { path: '/workflows', element: <WorkflowsPage /> },
    { path: '/account', element: <AccountPage /> },
    { path: '/admin/users', element: <UsersPage /> },
    { path: '/admin/credentials', element: <CredentialsPage /> },
    { path: '/admin/audit', element: <AuditPage /> },
    { path: '*', element: <NotFoundPage /> },
  ],
};
