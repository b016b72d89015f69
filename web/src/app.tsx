import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ApiError } from './api/client.ts';
import { LoginPage } from './auth/login-page.tsx';
import { RequireSession } from './auth/session.tsx';
import { SetupPage } from './auth/setup-page.tsx';
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
    children: routes.inShell,
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
