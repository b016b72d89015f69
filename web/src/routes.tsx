import type { RouteObject } from 'react-router';
import { EditorPage } from './editor/editor-page.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { WorkflowsPage } from './pages/workflows.tsx';

/**
 * Every page of the app. `fullScreen` pages (the editor) draw their own frame; the others sit in
 * the shell with the navigation.
 */
export const routes: { fullScreen: RouteObject[]; inShell: RouteObject[] } = {
  fullScreen: [{ path: '/workflows/:id', element: <EditorPage /> }],
  inShell: [
    { path: '/workflows', element: <WorkflowsPage /> },
    { path: '*', element: <NotFoundPage /> },
  ],
};
