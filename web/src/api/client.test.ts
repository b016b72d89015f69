import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { type TestApi, testApi } from '../../../server/testing/api.ts';
import type { Me } from './account-types.ts';
import { ApiError, call, fetchEarly, fillPath } from './client.ts';
import type { Workflow } from './types.ts';

/**
 * The API client against the real API in process (`app.request`, a real SQLite file). The
 * browser's `fetch` is the one thing stood in for: it forwards to the app with whoever is
 * "signed in" at that moment and counts what reaches the server.
 */

let server: TestApi;
let signedInAs: 'analyst' | 'admin' | 'anonymous';
let requests: string[];

beforeEach(() => {
  server = testApi();
  signedInAs = 'analyst';
  requests = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    requests.push(`${init.method ?? 'GET'} ${url}`);
    const headers = new Headers(init.headers);
    if (signedInAs !== 'anonymous') headers.set('authorization', `Bearer ${server.keys[signedInAs]}`);
    return server.app.request(url, { ...init, headers });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  server.cleanup();
});

describe('fetchEarly', () => {
  it('hands its answer to the first matching get, once', async () => {
    fetchEarly(['/auth/me']);
    const me: Me = await call('GET /auth/me');
    expect(me.user.role).toBe('analyst');
    expect(requests).toEqual(['GET /api/v1/auth/me']);

    await call('GET /auth/me');
    expect(requests).toHaveLength(2);
  });

  it('asks again when the early answer was refused, so errors surface the normal way', async () => {
    signedInAs = 'anonymous';
    fetchEarly(['/auth/me']);
    const error = await call('GET /auth/me').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).code).toBe('unauthenticated');
    expect(requests).toEqual(['GET /api/v1/auth/me', 'GET /api/v1/auth/me']);
  });

  it('drops answers not yet taken when the app writes something', async () => {
    fetchEarly(['/auth/me']);
    signedInAs = 'admin'; // say the user signs in as someone else before the answer is used
    await call('POST /workflows', { body: { name: 'Written in between' } });
    const me: Me = await call('GET /auth/me');
    expect(me.user.role).toBe('admin');
    expect(requests.filter((request) => request === 'GET /api/v1/auth/me')).toHaveLength(2);
  });

  it('ignores an answer that waited too long for its page', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    fetchEarly(['/node-types']);
    vi.setSystemTime(Date.now() + 11_000);
    await call('GET /node-types');
    expect(requests).toEqual(['GET /api/v1/node-types', 'GET /api/v1/node-types']);
  });

  it('matches the path and query exactly', async () => {
    fetchEarly(['/workflows?limit=5']);
    await call('GET /workflows', { query: { limit: 5 } });
    expect(requests).toEqual(['GET /api/v1/workflows?limit=5']);
  });
});

describe('call', () => {
  it('fills the path, sends the body and answers the typed result', async () => {
    signedInAs = 'admin';
    const created = await call('POST /workflows', { body: { name: 'Typed call' } });
    expectTypeOf(created).toEqualTypeOf<Workflow>();
    const renamed = await call('PATCH /workflows/:id', { params: { id: created.id }, body: { name: 'Renamed' } });
    expect(renamed.name).toBe('Renamed');
    const list = await call('GET /workflows', { query: { q: 'Renamed', limit: 5 } });
    expect(list.items.map((item) => item.id)).toEqual([created.id]);
    expect(requests).toEqual([
      'POST /api/v1/workflows',
      `PATCH /api/v1/workflows/${created.id}`,
      'GET /api/v1/workflows?q=Renamed&limit=5',
    ]);
  });

  it("answers undefined for a 204 and throws the server's error otherwise", async () => {
    signedInAs = 'admin';
    const { key } = await call('POST /api-keys', { body: { name: 'For deletion', role: 'analyst' } });
    expect(await call('DELETE /api-keys/:id', { params: { id: key.id } })).toBeUndefined();
    const error = await call('GET /workflows/:id', { params: { id: '00000000-0000-7000-8000-000000000000' } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
  });

  it('types inputs from the route declarations', () => {
    // Checked by the typechecker (npm run typecheck), never run: each line must fail to compile.
    const typeErrors = () => {
      // @ts-expect-error an endpoint the server does not declare
      void call('GET /no-such-route');
      // @ts-expect-error a path parameter is required
      void call('GET /workflows/:id');
      // @ts-expect-error the body's fields are checked against the route's schema
      void call('POST /workflows', { body: { title: 'not a field' } });
    };
    expect(typeof typeErrors).toBe('function');
  });
});

describe('fillPath', () => {
  it('encodes each parameter and refuses a missing one', () => {
    expect(fillPath('/workflows/:id/versions/:number', { id: 'a b/c', number: 3 })).toBe(
      '/workflows/a%20b%2Fc/versions/3',
    );
    expect(() => fillPath('/workflows/:id', {})).toThrow(/needs the path parameter "id"/);
  });
});
