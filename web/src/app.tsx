import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ApiError } from './api/client.ts';
import { LoginPage } from './auth/login-page.tsx';
import { RequireSession } from './auth/session.tsx';
import { SetupPage } from './auth/setup-page.tsx';
import { Spinner } from './components/ui.tsx';
import { Shell } from './layout/shell.tsx';
import { routes } from './routes.tsx';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A 4xx will not heal by asking again; a dropped connection may.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/setup', element: <SetupPage /> },
  { path: '/', element: <Navigate to="/workflows" replace /> },
  ...routes.fullScreen.map((route) => ({ ...route, element: <RequireSession>{route.element}</RequireSession> })),
  {
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    // A page's code is fetched when it is first opened: opened by URL, the router shows this while
    // the chunk arrives (React Router asks for one on every lazy route it starts on).
    children: routes.inShell.map((route) => ({ hydrateFallbackElement: <Spinner label="Loading…" />, ...route })),
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
