/**
 * The role matrix: every route in `apiRoutes`, called by nobody, by each role, through a session
 * cookie, and through API keys whose role is lower than their creator's. Each call gets fresh
 * objects to act on and a body the route accepts, so an allowed call reaches its handler and
 * succeeds (2xx), or gets the one refusal its row names; a denied call gets 401 (nobody signed in)
 * or 403. Anything else, a 5xx above all, is a mismatch. A route added without a row here fails
 * the first test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../auth/api-keys.ts';
import { hashPassword } from '../auth/passwords.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { randomToken, sha256 } from '../auth/tokens.ts';
import type { Graph } from '../core/graph/model.ts';
import { EventHub } from '../engine/event-hub.ts';
import { cancelRun, startRun } from '../engine/runs.ts';
import { createRunService } from '../runs/service.ts';
import { insertApiKey } from '../store/api-keys.ts';
import { insertCredential } from '../store/credentials.ts';
import { publishVersion } from '../store/publications.ts';
import type { Role } from '../store/schema.ts';
import { insertSession } from '../store/sessions.ts';
import { insertUser, setPasswordHash } from '../store/users.ts';
import { insertVariable } from '../store/variables.ts';
import { insertVersion } from '../store/versions.ts';
import { insertWorkflow } from '../store/workflows.ts';
import { type CallAs, type TestApi, testApi } from '../testing/api.ts';
import { node, testEngine } from '../testing/engine.ts';
import { apiRoutes } from './app.ts';
import { STARTER_GRAPH } from './routes/workflows.ts';

/** Who may: the design's role table, spelled out per route. */
const PUBLIC = 'public' as const;
const ANY: readonly Role[] = ['analyst', 'operator', 'admin'];
const EDITORS: readonly Role[] = ['analyst', 'admin'];
const OPERATORS: readonly Role[] = ['operator', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

/** Every account in the matrix has this password, so password routes can be called for real. */
const PASSWORD = 'matrix-password-1';
const LOGIN_EMAIL = 'login@stepwise.test';

/** Objects made fresh for each call, so one caller's change never decides the next caller's answer. */
interface Fixture {
  /** A workflow with versions 1, 2 and 3, of which 2 is published. */
  workflowId: string;
  /** A workflow whose published version starts with a schedule trigger. */
  scheduledWorkflowId: string;
  /** A workflow whose draft starts with a webhook trigger. */
  webhookWorkflowId: string;
  /** What exporting `workflowId` gives, for the import route. */
  exported: unknown;
  userId: string;
  /** A run still queued (no worker runs here, so it stays queued until canceled). */
  queuedExecutionId: string;
  /** A canceled run, which may be retried. */
  canceledExecutionId: string;
  /** A key of the caller's own (the admin's for nobody), one the caller may revoke. */
  apiKeyId: string;
  credentialId: string;
  /** A credential of a type that is never sent (so it cannot be tested). */
  hmacCredentialId: string;
  /** An OAuth 2 credential connected in the browser (authorization code). */
  oauth2CredentialId: string;
  variableId: string;
}

interface Case {
  /** Tells apart several requests to one route whose rule depends on the request. */
  variant?: string;
  allowed: typeof PUBLIC | readonly Role[];
  path(fixture: Fixture): string;
  body?: (fixture: Fixture) => unknown;
  /** What an allowed caller gets instead of a 2xx, when the handler must refuse every caller here. */
  answers?: { status: number; code?: string };
}

const wf = (f: Fixture) => `/workflows/${f.workflowId}`;
const at = (path: string) => () => path;
const body = (value: unknown) => () => value;

const MATRIX: Record<string, readonly Case[]> = {
  'GET /auth/state': [{ allowed: PUBLIC, path: at('/auth/state') }],
  'POST /auth/setup': [
    {
      allowed: PUBLIC,
      path: at('/auth/setup'),
      body: body({ email: 'owner@stepwise.test', name: 'Owner', password: PASSWORD }),
      // The matrix's callers are accounts, so set-up has always happened.
      answers: { status: 409, code: 'already_set_up' },
    },
  ],
  'POST /auth/login': [
    { allowed: PUBLIC, path: at('/auth/login'), body: body({ email: LOGIN_EMAIL, password: PASSWORD }) },
  ],
  'POST /auth/logout': [{ allowed: PUBLIC, path: at('/auth/logout') }],
  'GET /auth/me': [{ allowed: ANY, path: at('/auth/me') }],
  'POST /auth/password': [
    {
      allowed: ANY,
      path: at('/auth/password'),
      // The same password again, so the next caller's account still has it.
      body: body({ currentPassword: PASSWORD, newPassword: PASSWORD }),
    },
  ],
  'GET /users': [{ allowed: ADMINS, path: at('/users') }],
  'POST /users': [
    {
      allowed: ADMINS,
      path: at('/users'),
      body: () => ({ email: `${randomUUID()}@stepwise.test`, name: 'New', role: 'analyst', password: PASSWORD }),
    },
  ],
  'PATCH /users/:id': [{ allowed: ADMINS, path: (f) => `/users/${f.userId}`, body: body({ name: 'Renamed' }) }],
  'POST /users/:id/password': [
    { allowed: ADMINS, path: (f) => `/users/${f.userId}/password`, body: body({ password: PASSWORD }) },
  ],
  'POST /api-keys': [{ allowed: ANY, path: at('/api-keys'), body: body({ name: 'matrix' }) }],
  'GET /api-keys': [{ allowed: ANY, path: at('/api-keys') }],
  'DELETE /api-keys/:id': [{ allowed: ANY, path: (f) => `/api-keys/${f.apiKeyId}` }],
  'GET /audit': [{ allowed: ADMINS, path: at('/audit') }],
  'GET /workflows/:id/export': [{ allowed: ANY, path: (f) => `${wf(f)}/export` }],
  'POST /workflows/import': [{ allowed: EDITORS, path: at('/workflows/import'), body: (f) => f.exported }],
  'GET /workflows': [{ allowed: ANY, path: at('/workflows') }],
  'POST /workflows': [{ allowed: EDITORS, path: at('/workflows'), body: body({ name: 'Matrix' }) }],
  'GET /workflows/:id': [{ allowed: ANY, path: wf }],
  'GET /templates': [{ allowed: ANY, path: at('/templates') }],
  'POST /templates/:slug/use': [
    { allowed: EDITORS, path: at('/templates/sync-new-orders/use'), body: body({ name: 'Matrix from a template' }) },
  ],
  'PATCH /workflows/:id': [{ allowed: EDITORS, path: wf, body: body({ name: 'Renamed' }) }],
  'POST /workflows/:id/activate': [{ allowed: ADMINS, path: (f) => `${wf(f)}/activate` }],
  'POST /workflows/:id/deactivate': [{ allowed: ADMINS, path: (f) => `${wf(f)}/deactivate` }],
  'DELETE /workflows/:id': [{ allowed: EDITORS, path: wf }],
  'GET /workflows/:id/draft': [{ allowed: ANY, path: (f) => `${wf(f)}/draft` }],
  'PUT /workflows/:id/draft': [
    { allowed: EDITORS, path: (f) => `${wf(f)}/draft`, body: body({ graph: STARTER_GRAPH }) },
  ],
  'GET /workflows/:id/versions': [{ allowed: ANY, path: (f) => `${wf(f)}/versions` }],
  'POST /workflows/:id/versions': [
    { allowed: EDITORS, path: (f) => `${wf(f)}/versions`, body: body({ fromDraft: true }) },
  ],
  'GET /workflows/:id/versions/:number': [{ allowed: ANY, path: (f) => `${wf(f)}/versions/1` }],
  'GET /workflows/:id/diff': [{ allowed: ANY, path: (f) => `${wf(f)}/diff?from=1&to=2` }],
  'POST /workflows/:id/publish': [
    {
      variant: 'rollback to an earlier version',
      allowed: OPERATORS,
      path: (f) => `${wf(f)}/publish`,
      body: body({ version: 1 }),
    },
    { variant: 'a newer version', allowed: ADMINS, path: (f) => `${wf(f)}/publish`, body: body({ version: 3 }) },
  ],
  'GET /workflows/:id/publications': [{ allowed: ANY, path: (f) => `${wf(f)}/publications` }],
  'POST /workflows/:id/runs': [
    {
      variant: 'test run of the draft',
      allowed: EDITORS,
      path: (f) => `${wf(f)}/runs`,
      body: body({ draft: true }),
    },
    { variant: 'the published version', allowed: ADMINS, path: (f) => `${wf(f)}/runs`, body: body({}) },
    { variant: 'a given version', allowed: ADMINS, path: (f) => `${wf(f)}/runs`, body: body({ version: 1 }) },
  ],
  'POST /workflows/:id/test-error': [
    {
      variant: 'a workflow naming no error workflow',
      allowed: ADMINS,
      path: (f) => `${wf(f)}/test-error`,
      body: body({}),
      answers: { status: 409, code: 'no_error_workflow' },
    },
  ],
  'POST /workflows/:id/webhook-test': [
    { allowed: EDITORS, path: (f) => `/workflows/${f.webhookWorkflowId}/webhook-test` },
    {
      variant: 'a draft without a webhook trigger',
      allowed: EDITORS,
      path: (f) => `${wf(f)}/webhook-test`,
      answers: { status: 422, code: 'no_webhook_trigger' },
    },
  ],
  'GET /workflows/:id/webhook-test': [{ allowed: ANY, path: (f) => `/workflows/${f.webhookWorkflowId}/webhook-test` }],
  'GET /executions': [{ allowed: ANY, path: at('/executions') }],
  'GET /executions/:id': [{ allowed: ANY, path: (f) => `/executions/${f.queuedExecutionId}` }],
  'GET /executions/:id/iterations': [
    { allowed: ANY, path: (f) => `/executions/${f.queuedExecutionId}/iterations?node=loop` },
  ],
  'GET /executions/:id/steps': [{ allowed: ANY, path: (f) => `/executions/${f.queuedExecutionId}/steps?scope=0` }],
  'POST /executions/:id/cancel': [{ allowed: OPERATORS, path: (f) => `/executions/${f.queuedExecutionId}/cancel` }],
  'POST /executions/:id/retry': [
    { allowed: OPERATORS, path: (f) => `/executions/${f.canceledExecutionId}/retry`, body: body({}) },
  ],
  'GET /executions/:id/events': [{ allowed: ANY, path: (f) => `/executions/${f.queuedExecutionId}/events` }],
  'GET /events/runs': [{ allowed: ANY, path: at('/events/runs') }],
  'GET /approvals': [{ allowed: ANY, path: at('/approvals') }],
  // Everyone may ask; the approval's own role decides (server/engine/waits.test.ts decides real ones).
  'POST /approvals/:id/approve': [
    {
      allowed: ANY,
      path: at(`/approvals/${randomUUID()}/approve`),
      body: body({}),
      answers: { status: 404, code: 'not_found' },
    },
  ],
  'POST /approvals/:id/reject': [
    {
      allowed: ANY,
      path: at(`/approvals/${randomUUID()}/reject`),
      body: body({}),
      answers: { status: 404, code: 'not_found' },
    },
  ],
  'GET /schedules': [{ allowed: ANY, path: at('/schedules') }],
  'POST /schedules/:id/pause': [{ allowed: ADMINS, path: (f) => `/schedules/${f.scheduledWorkflowId}/pause` }],
  'POST /schedules/:id/resume': [{ allowed: ADMINS, path: (f) => `/schedules/${f.scheduledWorkflowId}/resume` }],
  'GET /credentials': [{ allowed: ADMINS, path: at('/credentials') }],
  'GET /credential-choices': [{ allowed: EDITORS, path: at('/credential-choices') }],
  'POST /credentials': [
    {
      allowed: ADMINS,
      path: at('/credentials'),
      body: body({ name: 'Matrix token', type: 'bearer', secret: { token: 'matrix-token' } }),
    },
  ],
  'PATCH /credentials/:id': [
    { allowed: ADMINS, path: (f) => `/credentials/${f.credentialId}`, body: body({ name: 'Renamed' }) },
  ],
  'DELETE /credentials/:id': [{ allowed: ADMINS, path: (f) => `/credentials/${f.credentialId}` }],
  // No worker runs here, so the row tries a type that is never sent: the handler refuses it for everyone.
  'POST /credentials/:id/test': [
    {
      allowed: ADMINS,
      path: (f) => `/credentials/${f.hmacCredentialId}/test`,
      body: body({ url: 'https://api.example.com' }),
      answers: { status: 422, code: 'not_testable' },
    },
  ],
  'POST /credentials/:id/connect': [{ allowed: ADMINS, path: (f) => `/credentials/${f.oauth2CredentialId}/connect` }],
  'POST /credentials/:id/disconnect': [
    { allowed: ADMINS, path: (f) => `/credentials/${f.oauth2CredentialId}/disconnect` },
  ],
  // The provider sends the browser back without the session cookie: an unknown state goes back to
  // the credentials page with an error, for everyone alike.
  'GET /oauth2/callback': [
    { allowed: PUBLIC, path: at('/oauth2/callback?state=unknown&code=x'), answers: { status: 302 } },
  ],
  'GET /variables': [{ allowed: ANY, path: at('/variables') }],
  'POST /variables': [
    // A fresh name per call: a second caller's insert must not meet the first one's name.
    {
      allowed: ADMINS,
      path: at('/variables'),
      body: () => ({ name: `MATRIX_${randomUUID().slice(0, 8)}`, value: 'x' }),
    },
  ],
  'PATCH /variables/:id': [
    { allowed: ADMINS, path: (f) => `/variables/${f.variableId}`, body: body({ value: 'changed' }) },
  ],
  'DELETE /variables/:id': [{ allowed: ADMINS, path: (f) => `/variables/${f.variableId}` }],
  'GET /credential-types': [{ allowed: ANY, path: at('/credential-types') }],
  'GET /node-types': [{ allowed: ANY, path: at('/node-types') }],
};

/** Starts every day at nine; only its existence matters to the schedule routes. */
const SCHEDULED_GRAPH: Graph = {
  nodes: [node('tick', 'trigger.schedule', 'Tick', { cron: '0 9 * * *', timezone: 'UTC' })],
  edges: [],
};

/** Starts on a request to orders/new; only its draft's trigger matters to the webhook test routes. */
const WEBHOOK_GRAPH: Graph = {
  nodes: [node('hook', 'trigger.webhook', 'Hook', { path: 'orders/new' })],
  edges: [],
};

const routeKey = (route: { method: string; path: string }) => `${route.method.toUpperCase()} ${route.path}`;

let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
/** Each caller with the role its answers must match (null: nobody signed in) and its account. */
const callers: Array<{ name: string; as: () => CallAs; role: Role | null; userId: string }> = [];

beforeAll(async () => {
  // A real engine without a worker: runs start and queue, and stay queued until canceled.
  engine = await testEngine();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, events), masterKey: engine.masterKey });
  const { db } = api.store;
  const passwordHash = await hashPassword(PASSWORD);
  for (const user of Object.values(api.users)) setPasswordHash(db, user.id, passwordHash);
  insertUser(db, { email: LOGIN_EMAIL, name: 'Signs in', role: 'analyst', passwordHash });
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
    passwordHash,
  });
  const session = () => {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    insertSession(db, { tokenHash: sha256(token), userId: operator.id, expiresAt, ip: null, userAgent: null });
    return { cookie: `${SESSION_COOKIE}=${token}` };
  };
  const { admin, analyst, operator: operatorUser } = api.users;
  const operatorKey = keyOf(admin.id, 'operator');
  const analystKey = keyOf(admin.id, 'analyst');
  callers.push(
    { name: 'nobody', as: () => 'anonymous', role: null, userId: admin.id },
    { name: 'analyst', as: () => 'analyst', role: 'analyst', userId: analyst.id },
    { name: 'operator', as: () => 'operator', role: 'operator', userId: operatorUser.id },
    { name: 'admin', as: () => 'admin', role: 'admin', userId: admin.id },
    { name: 'operator (session cookie)', as: session, role: 'operator', userId: operator.id },
    // Keys narrower than their creator act with the key's role only.
    { name: "admin's operator key", as: () => operatorKey, role: 'operator', userId: admin.id },
    { name: "admin's analyst key", as: () => analystKey, role: 'analyst', userId: admin.id },
  );
});
afterAll(async () => {
  await events?.close();
  await engine?.close();
});

function publishedWorkflow(graph: Graph, versions: number, published: number): string {
  const { db } = api.store;
  const workflow = insertWorkflow(db, { name: 'Matrix', draft: graph });
  const rows = Array.from({ length: versions }, () => insertVersion(db, { workflowId: workflow.id, graph }));
  const live = rows[published - 1];
  if (!live) throw new Error(`no version ${published}`);
  publishVersion(db, { workflowId: workflow.id, versionId: live.id, versionNumber: published });
  return workflow.id;
}

async function freshFixture(callerId: string): Promise<Fixture> {
  const { db } = api.store;
  const workflowId = publishedWorkflow(STARTER_GRAPH, 3, 2);
  const versionId = (await api.repos.workflows.get(workflowId))?.publishedVersionId ?? null;
  const run = () => startRun(engine.runs, { workflowId, versionId, trigger: 'manual', payload: {} });
  const queued = await run();
  const canceled = await run();
  await cancelRun(engine.runs, canceled.id);
  const exported = await api.call('GET', `/api/v1/workflows/${workflowId}/export`);
  if (exported.status !== 200) throw new Error(`export answered ${exported.status}`);
  const key = newApiKey();
  const user = insertUser(db, {
    email: `${randomUUID()}@stepwise.test`,
    name: 'Someone',
    role: 'analyst',
    passwordHash: null,
  });
  return {
    workflowId,
    scheduledWorkflowId: publishedWorkflow(SCHEDULED_GRAPH, 1, 1),
    webhookWorkflowId: publishedWorkflow(WEBHOOK_GRAPH, 1, 1),
    exported: exported.body,
    userId: user.id,
    queuedExecutionId: queued.id,
    canceledExecutionId: canceled.id,
    apiKeyId: insertApiKey(db, {
      userId: callerId,
      name: 'to revoke',
      prefix: key.prefix,
      keyHash: key.hash,
      role: 'analyst',
    }).id,
    credentialId: insertCredential(db, engine.masterKey, { name: 'Token', type: 'bearer', secret: { token: 't' } }).id,
    hmacCredentialId: insertCredential(db, engine.masterKey, {
      name: 'Signing',
      type: 'hmac',
      secret: { secret: 'a shared secret of 32 characters' },
    }).id,
    oauth2CredentialId: insertCredential(db, engine.masterKey, {
      name: 'Provider',
      type: 'oauth2',
      secret: {
        authorizationUrl: 'https://auth.example.com/authorize',
        tokenUrl: 'https://auth.example.com/token',
        clientId: 'matrix',
      },
      connecting: { interactive: true, scopes: [] },
    }).id,
    variableId: insertVariable(db, { name: `FIXTURE_${randomUUID().replaceAll('-', '')}`, value: 'v' }).id,
  };
}

describe('role matrix', () => {
  it('has a row for every route, and no row for a route that is gone', () => {
    const routes = apiRoutes.map(routeKey);
    expect(routes.filter((key) => !(key in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((key) => !routes.includes(key))).toEqual([]);
  });

  it('lets each caller through exactly where the table says, to an answer from the handler', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const route of apiRoutes) {
      for (const entry of MATRIX[routeKey(route)] ?? []) {
        for (const caller of callers) {
          const allowed = entry.allowed === PUBLIC || (caller.role !== null && entry.allowed.includes(caller.role));
          const fixture = await freshFixture(caller.userId);
          const path = `/api/v1${entry.path(fixture)}`;
          const answer = await api.call(route.method.toUpperCase(), path, entry.body?.(fixture), {
            as: caller.as(),
          });
          calls++;
          // Denied: 401 for nobody, 403 for a signed-in caller. Allowed: the row's refusal, else any 2xx.
          const expected: { status: number; code?: string } | '2xx' = !allowed
            ? { status: caller.role === null ? 401 : 403 }
            : (entry.answers ?? '2xx');
          const matches =
            expected === '2xx'
              ? answer.status >= 200 && answer.status < 300
              : answer.status === expected.status &&
                (expected.code === undefined || answer.body?.error?.code === expected.code);
          if (!matches) {
            const what = `${routeKey(route)}${entry.variant ? ` (${entry.variant})` : ''}`;
            mismatches.push(
              `${what} as ${caller.name}: expected ${JSON.stringify(expected)}, got ${answer.status} ${JSON.stringify(answer.body?.error ?? '')}`,
            );
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThan(apiRoutes.length * callers.length - 1);
    // Every route × caller on a fresh fixture: several hundred calls, more with each route added.
  }, 120_000);

  it('documents the access of every route in the OpenAPI document', async () => {
    const document = (await api.call('GET', '/api/v1/openapi.json', undefined, { as: 'anonymous' })).body;
    for (const route of apiRoutes) {
      const path = `/api/v1${route.path}`.replace(/:(\w+)/g, '{$1}');
      expect(document.paths[path][route.method]['x-stepwise-access'], routeKey(route)).toBe(route.access);
    }
  });
});
