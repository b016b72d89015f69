import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TestApi, testApi } from '../../../server/testing/api.ts';
import type { Me } from './account-types.ts';
import { ApiError, api, fetchEarly } from './client.ts';

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
    const me = await api.get<Me>('/auth/me');
    expect(me.user.role).toBe('analyst');
    expect(requests).toEqual(['GET /api/v1/auth/me']);

    await api.get<Me>('/auth/me');
    expect(requests).toHaveLength(2);
  });

  it('asks again when the early answer was refused, so errors surface the normal way', async () => {
    signedInAs = 'anonymous';
    fetchEarly(['/auth/me']);
    const error = await api.get('/auth/me').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).code).toBe('unauthenticated');
    expect(requests).toEqual(['GET /api/v1/auth/me', 'GET /api/v1/auth/me']);
  });

  it('drops answers not yet taken when the app writes something', async () => {
    fetchEarly(['/auth/me']);
    signedInAs = 'admin'; // say the user signs in as someone else before the answer is used
    await api.post('/workflows', { name: 'Written in between' });
    const me = await api.get<Me>('/auth/me');
    expect(me.user.role).toBe('admin');
    expect(requests.filter((request) => request === 'GET /api/v1/auth/me')).toHaveLength(2);
  });

  it('ignores an answer that waited too long for its page', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    fetchEarly(['/node-types']);
    vi.setSystemTime(Date.now() + 11_000);
    await api.get('/node-types');
    expect(requests).toEqual(['GET /api/v1/node-types', 'GET /api/v1/node-types']);
  });

  it('matches the path and query exactly', async () => {
    fetchEarly(['/workflows?limit=5']);
    await api.get('/workflows', { limit: 5 });
    expect(requests).toEqual(['GET /api/v1/workflows?limit=5']);
  });
});
