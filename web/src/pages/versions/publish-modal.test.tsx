// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PublishModal } from './publish-modal.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function show(target: number, current: number | null) {
  const onClose = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient()}>
      <PublishModal workflowId="wf-1" target={target} current={current} active={true} onClose={onClose} />
    </QueryClientProvider>,
  );
  return onClose;
}

describe('publish confirmation', () => {
  it('names both versions when it is a rollback, and publishes the earlier one on confirm', async () => {
    const fetch = vi.fn(
      async () => new Response(JSON.stringify({ publishedVersion: 1, changed: true }), { status: 200 }),
    );
    vi.stubGlobal('fetch', fetch);
    const onClose = show(1, 3);
    expect(screen.getByRole('dialog', { name: 'Roll back from v3 to v1?' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(fetch).toHaveBeenCalledWith(
      '/api/v1/workflows/wf-1/publish',
      expect.objectContaining({ method: 'POST', body: JSON.stringify({ version: 1 }) }),
    );
  });

  it('says "publish" for a newer version or the first publication', () => {
    show(4, 3);
    expect(screen.getByRole('dialog', { name: 'Publish v4 in place of v3?' })).toBeTruthy();
    cleanup();
    show(1, null);
    expect(screen.getByRole('dialog', { name: 'Publish v1?' })).toBeTruthy();
  });

  it('keeps the dialog open and shows the server’s reason when publishing fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({ error: { code: 'forbidden', message: 'only operators and admins may publish' } }),
            {
              status: 403,
            },
          ),
      ),
    );
    const onClose = show(1, 2);
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    expect((await screen.findByRole('alert')).textContent).toContain('only operators and admins may publish');
    expect(onClose).not.toHaveBeenCalled();
  });
});
