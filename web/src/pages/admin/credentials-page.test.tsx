// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { credentialCatalogue } from '../../../../nodes/credentials/catalogue.ts';
import { type CredentialDefinition, secretJsonSchema } from '../../../../nodes/credentials/define.ts';
import type { Credential } from '../../api/account-types.ts';
import { CredentialsPage } from './credentials-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const credential: Credential = {
  id: 'c1',
  name: 'CRM key',
  type: 'header',
  allowedTargets: [],
  useRoles: ['operator'],
  useUserIds: ['u2'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  connection: null,
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
  testable: definition.http !== undefined || definition.httpToken !== undefined,
  testNeedsUrl: definition.http !== undefined,
  usesTargets: definition.http !== undefined || definition.httpToken !== undefined,
  connects: definition.connects !== undefined,
  presets: definition.presets ?? [],
  redirectUri: definition.connects ? 'https://stepwise.example.com/api/v1/oauth2/callback' : null,
}));

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

/** A server for the page: the listings, and `answer` for anything else; the page opened at `at`. */
function serve(
  answer: (path: string, init?: RequestInit) => Response | Promise<Response> = () => json({}),
  {
    items = [credential, { ...credential, id: 'c2', name: 'Hook secret', type: 'hmac' }],
    at = '/admin/credentials',
  } = {},
) {
  const fetch = vi.fn(async (path: string, init?: RequestInit) => {
    if (!init?.method || init.method === 'GET') {
      if (path.endsWith('/users')) return json({ items: users });
      if (path.endsWith('/credential-types')) return json({ items: credentialTypes });
      if (path.endsWith('/credentials')) return json({ items });
    }
    return answer(path, init);
  });
  vi.stubGlobal('fetch', fetch);
  render(
    <MemoryRouter initialEntries={[at]}>
      <QueryClientProvider client={new QueryClient()}>
        <CredentialsPage />
      </QueryClientProvider>
    </MemoryRouter>,
  );
  return fetch;
}

describe('credentials admin page', () => {
  it('shows where each credential may go and who may use it, and changes both', async () => {
    const fetch = serve((_, init) => (init?.method === 'PATCH' ? json(credential) : json({}, 404)));
    expect(await screen.findAllByText('Nowhere yet')).toHaveLength(1);
    // A webhook signing secret is never sent in a request: where it may go does not apply.
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
    // No targets: the type is not sent over HTTP, so none typed before are kept.
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
        allowedTargets: [],
        useRoles: [],
        useUserIds: [],
      }),
    );
  });

  it('asks a database credential for its server and login, with no allowed targets to give', async () => {
    const fetch = serve((_, init) => (init?.method === 'POST' ? json({ id: 'c3' }, 201) : json({}, 404)));
    fireEvent.click((await screen.findAllByRole('button', { name: 'New credential' }))[0] as HTMLElement);
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(dialog.getByLabelText('Allowed targets'), { target: { value: 'https://typed.example.com' } });
    fireEvent.change(await dialog.findByLabelText('Type'), { target: { value: 'postgres' } });
    expect(dialog.queryByLabelText('Allowed targets')).toBeNull();
    expect((dialog.getByLabelText(/^Port/) as HTMLInputElement).value).toBe('5432');
    expect((dialog.getByLabelText(/^Password/) as HTMLInputElement).type).toBe('password');
    // A PEM certificate keeps its line breaks.
    expect(dialog.getByLabelText(/^CA certificate/).tagName).toBe('TEXTAREA');
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'Orders DB' } });
    fireEvent.change(dialog.getByLabelText(/^Host/), { target: { value: 'db.example.com' } });
    fireEvent.change(dialog.getByLabelText(/^Database/), { target: { value: 'orders' } });
    fireEvent.change(dialog.getByLabelText(/^User/), { target: { value: 'stepwise' } });
    fireEvent.change(dialog.getByLabelText(/^Password/), { target: { value: 'pa55word' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save credential' }));
    await waitFor(() =>
      expect(fetch).toHaveBeenCalledWith(
        '/api/v1/credentials',
        expect.objectContaining({
          method: 'POST',
          body: JSON.stringify({
            name: 'Orders DB',
            type: 'postgres',
            secret: {
              host: 'db.example.com',
              port: 5432,
              database: 'orders',
              user: 'stepwise',
              password: 'pa55word',
              ssl: 'require',
            },
            allowedTargets: [],
            useRoles: [],
            useUserIds: [],
          }),
        }),
      ),
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

/** OAuth 2 credentials, one per state a connection can be in. */
type Connection = NonNullable<Credential['connection']>;
const connection: Omit<Connection, 'status'> = {
  interactive: true,
  scopes: ['read', 'write'],
  expiresAt: null,
  problem: null,
  connectedAt: null,
};
const oauth2 = (id: string, name: string, extra: Partial<Connection> & Pick<Connection, 'status'>): Credential => ({
  ...credential,
  id,
  name,
  type: 'oauth2',
  connection: { ...connection, ...extra },
});
const providers = [
  oauth2('o1', 'CRM OAuth', { status: 'not_connected' }),
  oauth2('o2', 'Mail OAuth', {
    status: 'connected',
    expiresAt: new Date(Date.now() + 50 * 60_000).toISOString(),
    connectedAt: '2026-01-01T00:00:00.000Z',
  }),
  oauth2('o3', 'Drive OAuth', {
    status: 'reconnect_needed',
    problem: 'the provider refused the token refresh (invalid_grant)',
  }),
];

describe('credentials admin page: OAuth 2', () => {
  it('shows how each connection stands, with its scopes, expiry or problem', async () => {
    serve(undefined, { items: providers });
    expect(await screen.findByText('Not connected')).toBeTruthy();
    expect(screen.getByText('Connected')).toBeTruthy();
    expect(screen.getByText('Reconnect needed')).toBeTruthy();
    expect(screen.getByText('the provider refused the token refresh (invalid_grant)')).toBeTruthy();
    expect(screen.getByText(/^Token expires in (49|50) min$/)).toBeTruthy();
    expect(screen.getAllByLabelText('Scopes granted')[0]?.textContent).toBe('readwrite');
    expect(screen.getByRole('button', { name: 'Connect CRM OAuth' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reconnect Mail OAuth' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Disconnect Mail OAuth' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reconnect Drive OAuth' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Disconnect Drive OAuth' })).toBeNull();
  });

  it('sends the browser to the provider’s authorization URL on Connect', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const fetch = serve(
      (path) =>
        path.endsWith('/credentials/o1/connect')
          ? json({ authorizationUrl: 'https://auth.example.com/authorize?state=s', redirectUri: 'x' })
          : json({}, 404),
      { items: providers },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Connect CRM OAuth' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://auth.example.com/authorize?state=s'));
    expect(fetch).toHaveBeenCalledWith('/api/v1/credentials/o1/connect', expect.objectContaining({ method: 'POST' }));
  });

  it('says how the provider’s round trip went', async () => {
    serve(undefined, { items: providers, at: '/admin/credentials?credential=o2&oauth2=connected' });
    expect(await screen.findByText('Connected "Mail OAuth"')).toBeTruthy();
    expect(screen.getByText(/Granted: read, write\./)).toBeTruthy();
    cleanup();
    serve(undefined, {
      items: providers,
      at: '/admin/credentials?credential=o1&oauth2=error&message=the+provider+refused%3A+access_denied',
    });
    expect(await screen.findByText('Could not connect "CRM OAuth"')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('the provider refused: access_denied');
  });

  it('tests an OAuth 2 credential without a URL: a token request', async () => {
    const fetch = serve(
      (path) =>
        path.endsWith('/credentials/o2/test')
          ? json({ ok: true, message: 'the provider refreshed the access token (expires in 60 min)' })
          : json({}, 404),
      { items: providers },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Test connection of Mail OAuth' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.queryByLabelText('URL')).toBeNull();
    fireEvent.click(dialog.getByRole('button', { name: 'Test connection' }));
    expect(await dialog.findByText('Connected')).toBeTruthy();
    expect(dialog.getByText(/refreshed the access token/)).toBeTruthy();
    expect(fetch).toHaveBeenCalledWith('/api/v1/credentials/o2/test', expect.objectContaining({ body: '{}' }));
  });

  it('fills in a provider’s endpoints from a preset, and shows the code grant’s fields only for it', async () => {
    serve(undefined, { items: providers });
    fireEvent.click((await screen.findAllByRole('button', { name: 'New credential' }))[0] as HTMLElement);
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(await dialog.findByLabelText('Type'), { target: { value: 'oauth2' } });
    const provider = dialog.getByLabelText('Provider') as HTMLSelectElement;
    expect([...provider.options].map((option) => option.text)).toEqual([
      'Other (enter the endpoints)',
      'Google',
      'Microsoft (Entra ID)',
      'GitHub',
      'Slack',
      'Salesforce',
    ]);
    expect(dialog.getByText('https://stepwise.example.com/api/v1/oauth2/callback')).toBeTruthy();
    fireEvent.change(provider, { target: { value: 'github' } });
    expect((dialog.getByLabelText(/^Token URL/) as HTMLInputElement).value).toBe(
      'https://github.com/login/oauth/access_token',
    );
    expect((dialog.getByLabelText(/^Authorization URL/) as HTMLInputElement).value).toBe(
      'https://github.com/login/oauth/authorize',
    );
    expect((dialog.getByLabelText(/^Client secret/) as HTMLInputElement).type).toBe('password');
    fireEvent.change(dialog.getByLabelText(/^Grant type/), { target: { value: 'clientCredentials' } });
    expect(dialog.queryByLabelText(/^Authorization URL/)).toBeNull();
  });
});
