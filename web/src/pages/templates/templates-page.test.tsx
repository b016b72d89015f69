// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalogue } from '../../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../../server/api/routes/node-types.ts';
import { availableTemplates } from '../../../../server/api/routes/templates.ts';
import { templates } from '../../../../templates/catalogue.ts';
import { TemplatesPage } from './templates-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
/** What `GET /templates` answers on this server: the real templates whose node types it has. */
const offered = availableTemplates(templates);

/** The page with a server answering `GET /templates` through `templatesAnswer`; nobody signed in, so no "Use". */
function open(templatesAnswer: () => Response = () => json({ items: offered }), at = '/templates') {
  const fetch = vi.fn(async (path: string) => {
    if (path.endsWith('/templates')) return templatesAnswer();
    if (path.endsWith('/node-types')) return json({ items: catalogue.map(describeNodeType) });
    if (path.endsWith('/credential-types')) return json({ items: [] });
    return json({ error: { code: 'not_found', message: 'not here' } }, 404);
  });
  vi.stubGlobal('fetch', fetch);
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[at]}>
        <TemplatesPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetch;
}

const cards = () => within(screen.getByRole('list', { name: 'Templates' })).getAllByRole('heading', { level: 2 });

describe('templates page', () => {
  it('shows every offered template as a card with its drawing, tags and what it needs', async () => {
    open();
    expect(screen.getByRole('status').textContent).toBe('Loading templates…');
    await waitFor(() => expect(cards()).toHaveLength(offered.length));
    expect(cards().map((heading) => heading.textContent)).toEqual(offered.map((template) => template.title));
    const card = screen.getByTestId('template-sync-new-orders');
    expect(within(card).getByRole('img', { name: 'Steps of Sync new orders to your CRM' })).toBeTruthy();
    expect(within(card).getByRole('list', { name: 'Tags' }).textContent).toBe('WebhookLoopHTTP');
    expect(within(card).getByTestId('credential-needs').textContent).toBe('Optional sign-in for your API');
    expect(within(screen.getByTestId('template-webhook-to-slack')).getByTestId('credential-needs').textContent).toBe(
      'No credentials needed',
    );
  });

  it('narrows by category and by search, and says so when nothing matches', async () => {
    open();
    await waitFor(() => expect(cards()).toHaveLength(offered.length));
    fireEvent.click(screen.getByRole('button', { name: /^Sales & CRM/ }));
    const sales = offered.filter((template) => template.category === 'Sales & CRM');
    expect(cards().map((heading) => heading.textContent)).toEqual(sales.map((template) => template.title));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search templates' }), { target: { value: 'dedupe' } });
    expect(cards().map((heading) => heading.textContent)).toEqual(['Deduplicate and rank leads']);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search templates' }), { target: { value: 'zebra' } });
    expect(screen.getByText('No templates match')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show all templates' }));
    expect(cards()).toHaveLength(offered.length);
  });

  it('opens a template’s detail from the address: its drawing, steps and credentials; no Use without the right', async () => {
    open(undefined, '/templates?template=approve-expense-over-limit');
    const dialog = await screen.findByRole('dialog', { name: 'Approve expenses over a limit' });
    const steps = within(dialog)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(steps.slice(0, 6)).toEqual([
      'Expense submittedWebhook',
      'Over the limit?If',
      'Manager approvalWait',
      'Tell the employeeHTTP request',
      'Go aheadMerge',
      'ReimburseHTTP request',
    ]);
    expect(within(dialog).getByText('Your payroll system’s sign-in')).toBeTruthy();
    expect(within(dialog).queryByRole('button', { name: 'Use template' })).toBeNull();
    expect(within(dialog).getByText('Analysts and admins can create workflows from templates.')).toBeTruthy();
    // The footer's Close, beside the dialog's own ×.
    fireEvent.click(within(dialog).getAllByRole('button', { name: 'Close' }).at(-1) as HTMLElement);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says what went wrong when the gallery cannot be loaded, and tries again on asking', async () => {
    let fail = true;
    open(() =>
      fail ? json({ error: { code: 'internal', message: 'the server had a bad day' } }, 500) : json({ items: offered }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the server had a bad day');
    fail = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(cards()).toHaveLength(offered.length));
  });

  it('tells a server without templates apart from a search without matches', async () => {
    open(() => json({ items: [] }));
    expect(await screen.findByText('No templates on this server')).toBeTruthy();
  });
});
