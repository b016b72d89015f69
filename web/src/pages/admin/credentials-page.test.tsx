// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CredentialsPage } from './credentials-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const credential = {
  id: 'c1',
  name: 'CRM key',
  type: 'header',
  allowedTargets: [],
  useRoles: ['operator'],
  useUserIds: ['u2'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const users = [
  { id: 'u1', email: 'ann@example.com', name: 'Ann', role: 'admin', active: true },
  { id: 'u2', email: 'bo@example.com', name: 'Bo', role: 'analyst', active: true },
];

describe('credentials admin page', () => {
  it('shows where each credential may go and who may use it, and changes both', async () => {
    const fetch = vi.fn(async (path: string, init?: RequestInit) => {
      if (init?.method === 'PATCH') return new Response(JSON.stringify(credential), { status: 200 });
      const items = path.endsWith('/users') ? users : [credential];
      return new Response(JSON.stringify({ items }), { status: 200 });
    });
    vi.stubGlobal('fetch', fetch);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <CredentialsPage />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('Nowhere yet')).toBeTruthy();
    expect(await screen.findByText('Admins, operators, bo@example.com')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Limits of CRM key' }));
    fireEvent.change(screen.getByLabelText('Allowed targets'), {
      target: { value: 'https://api.example.com/v1, https://backup.example.com' },
    });
    fireEvent.click(screen.getByLabelText('Analysts'));
    fireEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    await waitFor(() =>
      expect(fetch).toHaveBeenCalledWith(
        '/api/v1/credentials/c1',
        expect.objectContaining({
          method: 'PATCH',
          body: JSON.stringify({
            allowedTargets: ['https://api.example.com/v1', 'https://backup.example.com'],
            useRoles: ['operator', 'analyst'],
            useUserIds: ['u2'],
          }),
        }),
      ),
    );
  });
});
