/**
 * The role matrix: every route in `apiRoutes`, called by nobody, by each role, through a session
 * cookie, and through API keys whose role is lower than their creator's. Each answer must be
 * "denied" (401/403) exactly where the table below says so; allowed calls may still fail for other
 * reasons (404 for a missing object, 400 for a body the table does not bother to fill in, 503 for
 * the engine this API runs without). A route added without a row here fails the first test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../auth/api-keys.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { randomToken, sha256 } from '../auth/tokens.ts';
import { insertApiKey } from '../store/api-keys.ts';
import { publishVersion } from '../store/publications.ts';
import type { Role } from '../store/schema.ts';
import { insertSession } from '../store/sessions.ts';
import { insertUser } from '../store/users.ts';
import { insertVersion } from '../store/versions.ts';
import { insertWorkflow } from '../store/workflows.ts';
import { type CallAs, type TestApi, testApi } from '../testing/api.ts';
import { apiRoutes } from './app.ts';
import { STARTER_GRAPH } from './routes/workflows.ts';

/** Who may: the design's role table, spelled out per route. */
const PUBLIC = 'public' as const;
const ANY: readonly Role[] = ['analyst', 'operator', 'admin'];
const EDITORS: readonly Role[] = ['analyst', 'admin'];
const OPERATORS: readonly Role[] = ['operator', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

/** Objects made fresh for each call, so one caller's change never decides the next caller's answer. */
interface Fixture {
  /** A workflow with versions 1, 2 and 3, of which 2 is published. */
  workflowId: string;
  userId: string;
}

interface Case {
  /** Tells apart several requests to one route whose rule depends on the request. */
  variant?: string;
  allowed: typeof PUBLIC | readonly Role[];
  path(fixture: Fixture): string;
  body?: unknown;
}

const none = randomUUID();
const wf = (f: Fixture) => `/workflows/${f.workflowId}`;
const at = (path: string) => () => path;

const MATRIX: Record<string, readonly Case[]> = {
  'GET /auth/state': [{ allowed: PUBLIC, path: at('/auth/state') }],
  'POST /auth/setup': [{ allowed: PUBLIC, path: at('/auth/setup'), body: {} }],
  'POST /auth/login': [{ allowed: PUBLIC, path: at('/auth/login'), body: {} }],
  'POST /auth/logout': [{ allowed: PUBLIC, path: at('/auth/logout') }],
  'GET /auth/me': [{ allowed: ANY, path: at('/auth/me') }],
  'POST /auth/password': [{ allowed: ANY, path: at('/auth/password'), body: {} }],
  'GET /users': [{ allowed: ADMINS, path: at('/users') }],
  'POST /users': [{ allowed: ADMINS, path: at('/users'), body: {} }],
  'PATCH /users/:id': [{ allowed: ADMINS, path: (f) => `/users/${f.userId}`, body: { name: 'Renamed' } }],
  'POST /users/:id/password': [{ allowed: ADMINS, path: (f) => `/users/${f.userId}/password`, body: {} }],
  'POST /api-keys': [{ allowed: ANY, path: at('/api-keys'), body: { name: 'matrix' } }],
  'GET /api-keys': [{ allowed: ANY, path: at('/api-keys') }],
  'DELETE /api-keys/:id': [{ allowed: ANY, path: at(`/api-keys/${none}`) }],
  'GET /audit': [{ allowed: ADMINS, path: at('/audit') }],
  'GET /workflows/:id/export': [{ allowed: ANY, path: (f) => `${wf(f)}/export` }],
  'POST /workflows/import': [{ allowed: EDITORS, path: at('/workflows/import'), body: {} }],
  'GET /workflows': [{ allowed: ANY, path: at('/workflows') }],
  'POST /workflows': [{ allowed: EDITORS, path: at('/workflows'), body: { name: 'Matrix' } }],
  'GET /workflows/:id': [{ allowed: ANY, path: wf }],
  'PATCH /workflows/:id': [{ allowed: EDITORS, path: wf, body: { name: 'Renamed' } }],
  'POST /workflows/:id/activate': [{ allowed: ADMINS, path: (f) => `${wf(f)}/activate` }],
  'POST /workflows/:id/deactivate': [{ allowed: ADMINS, path: (f) => `${wf(f)}/deactivate` }],
  'DELETE /workflows/:id': [{ allowed: EDITORS, path: wf }],
  'GET /workflows/:id/draft': [{ allowed: ANY, path: (f) => `${wf(f)}/draft` }],
  'PUT /workflows/:id/draft': [{ allowed: EDITORS, path: (f) => `${wf(f)}/draft`, body: { graph: STARTER_GRAPH } }],
  'GET /workflows/:id/versions': [{ allowed: ANY, path: (f) => `${wf(f)}/versions` }],
  'POST /workflows/:id/versions': [{ allowed: EDITORS, path: (f) => `${wf(f)}/versions`, body: { fromDraft: true } }],
  'GET /workflows/:id/versions/:number': [{ allowed: ANY, path: (f) => `${wf(f)}/versions/1` }],
  'GET /workflows/:id/diff': [{ allowed: ANY, path: (f) => `${wf(f)}/diff?from=1&to=2` }],
  'POST /workflows/:id/publish': [
    {
      variant: 'rollback to an earlier version',
      allowed: OPERATORS,
      path: (f) => `${wf(f)}/publish`,
      body: { version: 1 },
    },
    { variant: 'a newer version', allowed: ADMINS, path: (f) => `${wf(f)}/publish`, body: { version: 3 } },
  ],
  'GET /workflows/:id/publications': [{ allowed: ANY, path: (f) => `${wf(f)}/publications` }],
  'POST /workflows/:id/runs': [
    { variant: 'test run of the draft', allowed: EDITORS, path: (f) => `${wf(f)}/runs`, body: { draft: true } },
    { variant: 'the published version', allowed: ADMINS, path: (f) => `${wf(f)}/runs`, body: {} },
    { variant: 'a given version', allowed: ADMINS, path: (f) => `${wf(f)}/runs`, body: { version: 1 } },
  ],
  'GET /executions': [{ allowed: ANY, path: at('/executions') }],
  'GET /executions/:id': [{ allowed: ANY, path: at(`/executions/${none}`) }],
  'POST /executions/:id/cancel': [{ allowed: OPERATORS, path: at(`/executions/${none}/cancel`) }],
  'POST /executions/:id/retry': [{ allowed: OPERATORS, path: at(`/executions/${none}/retry`), body: {} }],
  'GET /executions/:id/events': [{ allowed: ANY, path: at(`/executions/${none}/events`) }],
  'GET /events/runs': [{ allowed: ANY, path: at('/events/runs') }],
  'GET /schedules': [{ allowed: ANY, path: at('/schedules') }],
  'POST /schedules/:id/pause': [{ allowed: ADMINS, path: (f) => `/schedules/${f.workflowId}/pause` }],
  'POST /schedules/:id/resume': [{ allowed: ADMINS, path: (f) => `/schedules/${f.workflowId}/resume` }],
  'GET /credentials': [{ allowed: ADMINS, path: at('/credentials') }],
  'GET /credential-choices': [{ allowed: EDITORS, path: at('/credential-choices') }],
  'POST /credentials': [{ allowed: ADMINS, path: at('/credentials'), body: {} }],
  'PATCH /credentials/:id': [{ allowed: ADMINS, path: at(`/credentials/${none}`), body: { name: 'x' } }],
  'DELETE /credentials/:id': [{ allowed: ADMINS, path: at(`/credentials/${none}`) }],
  'GET /node-types': [{ allowed: ANY, path: at('/node-types') }],
};

const routeKey = (route: { method: string; path: string }) => `${route.method.toUpperCase()} ${route.path}`;

let api: TestApi;
/** Each caller with the role its answers must match (null: nobody signed in). */
const callers: Array<{ name: string; as: () => CallAs; role: Role | null }> = [];

beforeAll(() => {
  api = testApi();
  const { db } = api.store;
  const keyOf = (userId: string, role: Role) => {
    const key = newApiKey();
    insertApiKey(db, { userId, name: `${role} key`, prefix: key.prefix, keyHash: key.hash, role });
    return { authorization: `Bearer ${key.secret}` };
  };
  // A browser session per call, for the cookie path (logout, one of the routes, ends its session).
  const operator = insertUser(db, {
    email: 'op@stepwise.test',
    name: 'Operator with a session',
    role: 'operator',
    passwordHash: null,
  });
  const session = () => {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    insertSession(db, { tokenHash: sha256(token), userId: operator.id, expiresAt, ip: null, userAgent: null });
    return { cookie: `${SESSION_COOKIE}=${token}` };
  };
  const operatorKey = keyOf(api.users.admin.id, 'operator');
  const analystKey = keyOf(api.users.admin.id, 'analyst');
  callers.push(
    { name: 'nobody', as: () => 'anonymous', role: null },
    { name: 'analyst', as: () => 'analyst', role: 'analyst' },
    { name: 'operator', as: () => 'operator', role: 'operator' },
    { name: 'admin', as: () => 'admin', role: 'admin' },
    { name: 'operator (session cookie)', as: session, role: 'operator' },
    // Keys narrower than their creator act with the key's role only.
    { name: "admin's operator key", as: () => operatorKey, role: 'operator' },
    { name: "admin's analyst key", as: () => analystKey, role: 'analyst' },
  );
});
afterAll(() => api.cleanup());

function freshFixture(): Fixture {
  const { db } = api.store;
  const workflow = insertWorkflow(db, { name: 'Matrix', draft: STARTER_GRAPH });
  const versions = [1, 2, 3].map(() => insertVersion(db, { workflowId: workflow.id, graph: STARTER_GRAPH }));
  const live = versions[1];
  if (!live) throw new Error('no version 2');
  publishVersion(db, { workflowId: workflow.id, versionId: live.id, versionNumber: 2 });
  const user = insertUser(db, {
    email: `${randomUUID()}@stepwise.test`,
    name: 'Someone',
    role: 'analyst',
    passwordHash: null,
  });
  return { workflowId: workflow.id, userId: user.id };
}

describe('role matrix', () => {
  it('has a row for every route, and no row for a route that is gone', () => {
    const routes = apiRoutes.map(routeKey);
    expect(routes.filter((key) => !(key in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((key) => !routes.includes(key))).toEqual([]);
  });

  it('lets each caller through exactly where the table says', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const route of apiRoutes) {
      for (const entry of MATRIX[routeKey(route)] ?? []) {
        for (const caller of callers) {
          const expected = entry.allowed === PUBLIC || (caller.role !== null && entry.allowed.includes(caller.role));
          const path = `/api/v1${entry.path(freshFixture())}`;
          const answer = await api.call(route.method.toUpperCase(), path, entry.body, { as: caller.as() });
          calls++;
          const denied = answer.status === 401 || answer.status === 403;
          const wantStatus = caller.role === null ? 401 : 403;
          if (expected === denied || (denied && answer.status !== wantStatus)) {
            const what = `${routeKey(route)}${entry.variant ? ` (${entry.variant})` : ''}`;
            mismatches.push(`${what} as ${caller.name}: ${answer.status} ${JSON.stringify(answer.body?.error ?? '')}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThan(apiRoutes.length * callers.length - 1);
  });

  it('documents the access of every route in the OpenAPI document', async () => {
    const document = (await api.call('GET', '/api/v1/openapi.json', undefined, { as: 'anonymous' })).body;
    for (const route of apiRoutes) {
      const path = `/api/v1${route.path}`.replace(/:(\w+)/g, '{$1}');
      expect(document.paths[path][route.method]['x-stepwise-access'], routeKey(route)).toBe(route.access);
    }
  });
});
