import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Spinner } from './components/ui.tsx';
import { AccountPage } from './pages/account/account-page.tsx';
import { AuditPage } from './pages/admin/audit-page.tsx';
import { CredentialsPage } from './pages/admin/credentials-page.tsx';
import { UsersPage } from './pages/admin/users-page.tsx';
import { ExecutionPage } from './pages/executions/execution-page.tsx';
import { ExecutionsPage } from './pages/executions/executions-page.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { SchedulesPage } from './pages/schedules/schedules-page.tsx';
import { ComparePage } from './pages/versions/compare-page.tsx';
import { VersionPage } from './pages/versions/version-page.tsx';
import { VersionsPage } from './pages/versions/versions-page.tsx';
import { WorkflowsPage } from './pages/workflows/workflows-page.tsx';

/** The editor (CodeMirror, the form renderer, elkjs) loads only when a workflow is opened. */
const loadEditor = () => import('./editor/editor-page.tsx');
// Opened straight at an editor URL (a link, a reload), the chunk starts loading now, alongside
// the session check, instead of after it.
if (/^\/workflows\/[^/]+\/?$/.test(window.location.pathname)) void loadEditor();
const EditorPage = lazy(async () => ({ default: (await loadEditor()).EditorPage }));

/**
 * Every page of the app behind sign-in. `fullScreen` pages (the editor) draw their own frame; the
 * others sit in the shell with the navigation.
 */
export const routes: { fullScreen: RouteObject[]; inShell: RouteObject[] } = {
  fullScreen: [
    {
      path: '/workflows/:id',
      element: (
        <Suspense fallback={<Spinner label="Opening the editor…" />}>
          <EditorPage />
        </Suspense>
      ),
    },
  ],
  inShell: [
    { path: '/workflows', element: <WorkflowsPage /> },
    { path: '/account', element: <AccountPage /> },
    { path: '/admin/users', element: <UsersPage /> },
    { path: '/admin/credentials', element: <CredentialsPage /> },
    { path: '/admin/audit', element: <AuditPage /> },
    { path: '/workflows/:id/versions', element: <VersionsPage /> },
    { path: '/workflows/:id/versions/:number', element: <VersionPage /> },
    { path: '/workflows/:id/compare', element: <ComparePage /> },
    { path: '/executions', element: <ExecutionsPage /> },
    { path: '/executions/:id', element: <ExecutionPage /> },
    { path: '/schedules', element: <SchedulesPage /> },
    { path: '*', element: <NotFoundPage /> },
  ],
};
