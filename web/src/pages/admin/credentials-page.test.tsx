// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { credentialCatalogue } from '../../../../nodes/credentials/catalogue.ts';
import { type CredentialDefinition, secretJsonSchema } from '../../../../nodes/credentials/define.ts';
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
/** `GET /credential-types` as the server serves it, from the real catalogue. */
const credentialTypes = (credentialCatalogue as readonly CredentialDefinition[]).map((definition) => ({
  type: definition.type,
  title: definition.title,
  description: definition.description,
  secretSchema: secretJsonSchema(definition),
  testable: definition.http !== undefined,
  testNeedsUrl: definition.http !== undefined,
  sentOverHttp: definition.http !== undefined,
}));

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

/** A server for the page: the listings, and `answer` for anything else. */
function serve(answer: (path: string, init?: RequestInit) => Response | Promise<Response> = () => json({})) {
  const fetch = vi.fn(async (path: string, init?: RequestInit) => {
    if (!init?.method || init.method === 'GET') {
      if (path.endsWith('/users')) return json({ items: users });
      if (path.endsWith('/credential-types')) return json({ items: credentialTypes });
      if (path.endsWith('/credentials')) {
        return json({ items: [credential, { ...credential, id: 'c2', name: 'Hook secret', type: 'hmac' }] });
      }
    }
    return answer(path, init);
  });
  vi.stubGlobal('fetch', fetch);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <CredentialsPage />
    </QueryClientProvider>,
  );
  return fetch;
}

describe('credentials admin page', () => {
  it('shows where each credential may go and who may use it, and changes both', async () => {
    const fetch = serve((_, init) => (init?.method === 'PATCH' ? json(credential) : json({}, 404)));
    // The HMAC secret is never sent, so targets do not apply to it.
    expect(await screen.findAllByText('Nowhere yet')).toHaveLength(1);
    expect(screen.getAllByText('Not sent over HTTP')).toHaveLength(1);
    expect(await screen.findAllByText('Admins, operators, bo@example.com')).toHaveLength(2);

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

  it('names each type as the server’s catalogue titles it', async () => {
    serve();
    expect(await screen.findByText('Custom header')).toBeTruthy();
    expect(screen.getByText('Webhook signing secret (HMAC)')).toBeTruthy();
  });

  it('renders the secret’s form from the type’s JSON Schema, secret fields as passwords, and shows refusals under them', async () => {
    const fetch = serve((_, init) =>
      init?.method === 'POST'
        ? json(
            {
              error: {
                code: 'validation_failed',
                message: 'invalid body: secret.header: not a valid HTTP header name',
                details: [{ field: 'secret.header', code: 'invalid_format', message: 'not a valid HTTP header name' }],
              },
            },
            400,
          )
        : json({}, 404),
    );
    fireEvent.click((await screen.findAllByRole('button', { name: 'New credential' }))[0] as HTMLElement);
    const dialog = within(await screen.findByRole('dialog'));
    const type = (await dialog.findByLabelText('Type')) as HTMLSelectElement;
    expect([...type.options].map((option) => option.text)).toEqual(credentialTypes.map((item) => item.title));
    expect((dialog.getByLabelText(/^Token/) as HTMLInputElement).type).toBe('password');

    fireEvent.change(type, { target: { value: 'header' } });
    expect(dialog.getByText(/Any header carrying a key/)).toBeTruthy();
    expect(dialog.queryByLabelText(/^Token/)).toBeNull();
    const name = dialog.getByLabelText(/^Header name/) as HTMLInputElement;
    const value = dialog.getByLabelText(/^Header value/) as HTMLInputElement;
    expect(name.type).toBe('text');
    expect(value.type).toBe('password');
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'CRM' } });
    fireEvent.change(name, { target: { value: 'X Api Key' } });
    fireEvent.change(value, { target: { value: 'key-123456' } });
    fireEvent.change(dialog.getByLabelText('Allowed targets'), { target: { value: 'https://crm.example.com' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save credential' }));
    await waitFor(() =>
      expect(fetch).toHaveBeenCalledWith(
        '/api/v1/credentials',
        expect.objectContaining({
          method: 'POST',
          body: JSON.stringify({
            name: 'CRM',
            type: 'header',
            secret: { header: 'X Api Key', value: 'key-123456' },
            allowedTargets: ['https://crm.example.com'],
            useRoles: [],
            useUserIds: [],
          }),
        }),
      ),
    );
    const field = (await dialog.findByText('not a valid HTTP header name')).closest('[data-field]');
    expect(field?.getAttribute('data-field')).toBe('config.header');
  });

  it('asks an SMTP server’s settings with titled security choices, and no allowed targets', async () => {
    const fetch = serve((_, init) => (init?.method === 'POST' ? json({ id: 'c9' }, 201) : json({}, 404)));
    fireEvent.click((await screen.findAllByRole('button', { name: 'New credential' }))[0] as HTMLElement);
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(await dialog.findByLabelText('Type'), { target: { value: 'smtp' } });
    expect(dialog.queryByLabelText('Allowed targets')).toBeNull();
    const security = dialog.getByLabelText(/^Security/) as HTMLSelectElement;
    expect(security.value).toBe('starttls');
    expect([...security.options].map((option) => option.text)).toEqual([
      'STARTTLS: upgrade to TLS after connecting (port 587)',
      'TLS from the start (port 465)',
      'None: plain text, only for a relay on your own network',
    ]);
    expect((dialog.getByLabelText(/^Port/) as HTMLInputElement).value).toBe('587');
    expect((dialog.getByLabelText(/^Password/) as HTMLInputElement).type).toBe('password');
    expect((dialog.getByLabelText(/^User name/) as HTMLInputElement).type).toBe('text');
    expect((dialog.getByLabelText(/Accept an untrusted certificate/) as HTMLInputElement).checked).toBe(false);
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'Mail' } });
    fireEvent.change(dialog.getByLabelText(/^Server/), { target: { value: 'smtp.example.com' } });
    fireEvent.change(security, { target: { value: 'tls' } });
    fireEvent.change(dialog.getByLabelText(/^Port/), { target: { value: '465' } });
    fireEvent.change(dialog.getByLabelText(/^User name/), { target: { value: 'bob' } });
    fireEvent.change(dialog.getByLabelText(/^Password/), { target: { value: 'pa55word' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save credential' }));
    const posted = async () => {
      const call = fetch.mock.calls.find(([, init]) => init?.method === 'POST');
      return call ? JSON.parse(String(call[1]?.body)) : undefined;
    };
    // No allowedTargets: the type is not sent over HTTP.
    await waitFor(async () =>
      expect(await posted()).toEqual({
        name: 'Mail',
        type: 'smtp',
        secret: {
          host: 'smtp.example.com',
          port: 465,
          security: 'tls',
          allowSelfSigned: false,
          username: 'bob',
          password: 'pa55word',
        },
        useRoles: [],
        useUserIds: [],
      }),
    );
  });

  it('tests a connection and shows each outcome: running, connected, refused, not tested', async () => {
    const answers: Array<() => Response> = [
      () => json({ ok: true, status: 200, message: 'GET https://crm.example.com/v1/me answered 200' }),
      () =>
        json({
          ok: false,
          status: 401,
          message: 'GET https://crm.example.com/v1/me answered 401: the credential was refused',
        }),
      () =>
        json({ error: { code: 'test_timed_out', message: 'no worker answered in time; is the engine running?' } }, 504),
    ];
    let release = () => {};
    const fetch = serve(async (path) => {
      if (!path.endsWith('/credentials/c1/test')) return json({}, 404);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return (answers.shift() as () => Response)();
    });
    // Only types that are ever sent can be tested.
    expect(await screen.findByRole('button', { name: 'Test connection of CRM key' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Test connection of Hook secret' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Test connection of CRM key' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText(/no allowed targets yet/)).toBeTruthy();
    fireEvent.change(dialog.getByLabelText('URL'), { target: { value: 'https://crm.example.com/v1/me' } });
    const run = async () => {
      fireEvent.click(dialog.getByRole('button', { name: 'Test connection' }));
      expect(await dialog.findByText(/a worker is sending the request/)).toBeTruthy();
      release();
    };
    await run();
    expect(await dialog.findByText('Connected: HTTP 200')).toBeTruthy();
    expect(fetch).toHaveBeenCalledWith(
      '/api/v1/credentials/c1/test',
      expect.objectContaining({ method: 'POST', body: JSON.stringify({ url: 'https://crm.example.com/v1/me' }) }),
    );
    await run();
    expect(await dialog.findByText('Not connected: HTTP 401')).toBeTruthy();
    expect(dialog.getByText(/the credential was refused/)).toBeTruthy();
    await run();
    expect(await dialog.findByText('Could not test')).toBeTruthy();
    expect(dialog.getByText('no worker answered in time; is the engine running?')).toBeTruthy();
  });
});
