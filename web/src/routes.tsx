import { lazy, Suspense, useState } from 'react';
import type { RouteObject } from 'react-router';
import { Spinner } from './components/ui.tsx';
import { NotFoundPage } from './pages/not-found.tsx';

/** The editor (React Flow, the node catalogue) loads only when a workflow is opened. */
type EditorModule = typeof import('./editor/editor-page.tsx');
let editorModule: EditorModule | undefined;
const loadEditor = () =>
  import('./editor/editor-page.tsx').then((module) => {
    editorModule = module;
    return module;
  });
const LazyEditorPage = lazy(async () => ({ default: (await loadEditor()).EditorPage }));

// Opened straight at an editor URL (a link, a reload), boot/early.ts has started loading the chunk
// and the workflow's data already: the chunk is taken from there as soon as it is in.
if (/^\/workflows\/[^/]+\/?$/.test(window.location.pathname)) void loadEditor();

/**
 * The editor itself once its chunk is in, else the lazy one. A lazy component suspends at least
 * once even when its chunk is already loaded, and React holds a revealed Suspense boundary back
 * for up to 300 ms: with the chunk preloaded that wait was a fifth of opening a big workflow.
 * Chosen once per mount, so a later render never swaps the component (and remounts the editor).
 */
function EditorRoute() {
  const [Page] = useState(() => editorModule?.EditorPage ?? LazyEditorPage);
  return <Page />;
}

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
          <EditorRoute />
        </Suspense>
      ),
    },
  ],
  // Each page is its own chunk, fetched by the router when it is first visited: the first page
  // someone opens (the editor, most often) does not wait for every other page's code.
  inShell: [
    {
      path: '/workflows',
      lazy: async () => ({ Component: (await import('./pages/workflows/workflows-page.tsx')).WorkflowsPage }),
    },
    {
      path: '/templates',
      lazy: async () => ({ Component: (await import('./pages/templates/templates-page.tsx')).TemplatesPage }),
    },
    {
      path: '/account',
      lazy: async () => ({ Component: (await import('./pages/account/account-page.tsx')).AccountPage }),
    },
    {
      path: '/admin/users',
      lazy: async () => ({ Component: (await import('./pages/admin/users-page.tsx')).UsersPage }),
    },
    {
      path: '/admin/credentials',
      lazy: async () => ({ Component: (await import('./pages/admin/credentials-page.tsx')).CredentialsPage }),
    },
    {
      path: '/admin/variables',
      lazy: async () => ({ Component: (await import('./pages/admin/variables-page.tsx')).VariablesPage }),
    },
    {
      path: '/admin/audit',
      lazy: async () => ({ Component: (await import('./pages/admin/audit-page.tsx')).AuditPage }),
    },
    {
      path: '/workflows/:id/versions',
      lazy: async () => ({ Component: (await import('./pages/versions/versions-page.tsx')).VersionsPage }),
    },
    {
      path: '/workflows/:id/versions/:number',
      lazy: async () => ({ Component: (await import('./pages/versions/version-page.tsx')).VersionPage }),
    },
    {
      path: '/workflows/:id/compare',
      lazy: async () => ({ Component: (await import('./pages/versions/compare-page.tsx')).ComparePage }),
    },
    {
      path: '/executions',
      lazy: async () => ({ Component: (await import('./pages/executions/executions-page.tsx')).ExecutionsPage }),
    },
    {
      path: '/executions/:id',
      lazy: async () => ({ Component: (await import('./pages/executions/execution-page.tsx')).ExecutionPage }),
    },
    {
      path: '/approvals',
      lazy: async () => ({ Component: (await import('./pages/approvals/approvals-page.tsx')).ApprovalsPage }),
    },
    {
      path: '/schedules',
      lazy: async () => ({ Component: (await import('./pages/schedules/schedules-page.tsx')).SchedulesPage }),
    },
    { path: '*', element: <NotFoundPage /> },
  ],
};
