import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../core/graph/model.ts';
import { EventHub } from '../../engine/event-hub.ts';
import { createRunService } from '../../runs/service.ts';
import { type TestApi, testApi } from '../../testing/api.ts';
import { testEngine } from '../../testing/engine.ts';
import { storeFile, tempStore } from '../../testing/store.ts';
import { STARTER_GRAPH } from './workflows.ts';

// No worker runs: started runs stay queued, which is what cancel and retry need here.
let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
beforeAll(async () => {
  engine = await testEngine();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, events) });
});
afterAll(async () => {
  await events?.close();
  await engine?.close();
});

const PASSWORD = 'a long enough password';

/** Every entry with this action, newest first, through the API. */
async function entries(action: string) {
  const answer = await api.call('GET', `/api/v1/audit?action=${encodeURIComponent(action)}`);
  expect(answer.status).toBe(200);
  return answer.body.items as Array<Record<string, unknown>>;
}

async function expectEntry(action: string, fields: Record<string, unknown> = {}) {
  const found = await entries(action);
  expect(found.length, action).toBeGreaterThan(0);
  expect(found[0], action).toMatchObject(fields);
}

const scheduled: Graph = {
  nodes: [
    {
      id: 'cron',
      type: 'trigger.schedule',
      name: 'Hourly',
      position: { x: 0, y: 0 },
      config: { cron: '0 * * * *', timezone: 'UTC' },
    },
  ],
  edges: [],
};

describe('audit log', () => {
  it('records every change to workflows, versions, runs and schedules, with who made it', async () => {
    const admin = { actorId: api.users.admin.id, actorKind: 'api_key' };
    const created = await api.call('POST', '/api/v1/workflows', { name: 'Audited', graph: scheduled });
    const id = created.body.id as string;
    const onWorkflow = { ...admin, objectType: 'workflow', objectId: id };
    await expectEntry('workflow.created', { ...onWorkflow, details: { name: 'Audited' } });

    await api.call('PATCH', `/api/v1/workflows/${id}`, { name: 'Audited 2' });
    await expectEntry('workflow.updated', { ...onWorkflow, details: { name: 'Audited 2' } });
    await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: scheduled });
    await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: scheduled });
    // Each autosave is stored (the log is append-only), and listed once with a count.
    const stored = storeFile(api.store).get(
      "select count(*) as n from audit_log where action = 'workflow.draft_saved' and object_id = ?",
      id,
    );
    expect(stored).toEqual({ n: 2 });
    const listed = (await entries('workflow.draft_saved')).filter((entry) => entry.objectId === id);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ count: 2, objectLabel: 'Audited 2' });
    expect(Date.parse(listed[0]?.firstAt as string)).toBeLessThanOrEqual(Date.parse(listed[0]?.at as string));

    await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true, message: 'one' });
    await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true, message: 'two' });
    await expectEntry('version.saved', { ...onWorkflow, details: { version: 2 } });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 2 });
    await expectEntry('version.published', { ...onWorkflow, details: { version: 2 } });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 }, { as: 'operator' });
    await expectEntry('version.rolled_back', {
      ...onWorkflow,
      actorId: api.users.operator.id,
      details: { version: 1 },
    });

    await api.call('POST', `/api/v1/workflows/${id}/activate`);
    await expectEntry('workflow.activated', onWorkflow);
    await api.call('POST', `/api/v1/schedules/${id}/pause`);
    await expectEntry('schedule.paused', onWorkflow);
    await api.call('POST', `/api/v1/schedules/${id}/resume`);
    await expectEntry('schedule.resumed', onWorkflow);
    await api.call('POST', `/api/v1/workflows/${id}/deactivate`);
    await expectEntry('workflow.deactivated', onWorkflow);

    // Versions and publications name who made them.
    const versions = await api.call('GET', `/api/v1/workflows/${id}/versions`);
    expect(versions.body.items[0]).toMatchObject({ authorId: api.users.admin.id, author: api.users.admin.name });
    const publications = await api.call('GET', `/api/v1/workflows/${id}/publications`);
    expect(publications.body.items[0]).toMatchObject({
      kind: 'rollback',
      publishedBy: api.users.operator.name,
      publishedById: api.users.operator.id,
    });

    await api.call('PATCH', `/api/v1/workflows/${id}`, { archived: true });
    await expectEntry('workflow.archived', onWorkflow);
    await api.call('PATCH', `/api/v1/workflows/${id}`, { archived: false });
    await expectEntry('workflow.restored', onWorkflow);

    const exported = await api.call('GET', `/api/v1/workflows/${id}/export`);
    const imported = await api.call('POST', '/api/v1/workflows/import', exported.body);
    await expectEntry('workflow.imported', { ...admin, objectId: imported.body.id });
    await api.call('DELETE', `/api/v1/workflows/${imported.body.id}`);
    await expectEntry('workflow.deleted', { ...admin, objectId: imported.body.id });
  });

  it('records runs triggered, canceled and retried', async () => {
    const manual = await api.call('POST', '/api/v1/workflows', { name: 'Runs', graph: STARTER_GRAPH });
    const id = manual.body.id as string;
    await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
    const run = await api.call('POST', `/api/v1/workflows/${id}/runs`, {});
    expect(run.status).toBe(201);
    await expectEntry('run.triggered', {
      objectId: id,
      details: { executionId: run.body.executionId, trigger: 'manual', version: 1 },
    });
    const test = await api.call('POST', `/api/v1/workflows/${id}/runs`, { draft: true }, { as: 'analyst' });
    await expectEntry('run.triggered', {
      actorId: api.users.analyst.id,
      details: { executionId: test.body.executionId, trigger: 'test' },
    });
    expect((await api.call('POST', `/api/v1/executions/${run.body.executionId}/cancel`)).status).toBe(200);
    await expectEntry('run.canceled', { objectType: 'execution', objectId: run.body.executionId });
    const retry = await api.call('POST', `/api/v1/executions/${run.body.executionId}/retry`, { mode: 'fresh' });
    expect(retry.status).toBe(201);
    await expectEntry('run.retried', {
      objectId: run.body.executionId,
      details: { executionId: retry.body.executionId, mode: 'fresh' },
    });
  });

  it('records accounts, keys and credentials, sign-ins and failed sign-ins', async () => {
    const user = await api.call('POST', '/api/v1/users', {
      email: 'ann@example.com',
      name: 'Ann',
      role: 'analyst',
      password: PASSWORD,
    });
    const onUser = { objectType: 'user', objectId: user.body.id };
    await expectEntry('user.created', { ...onUser, details: { role: 'analyst' } });
    await api.call('PATCH', `/api/v1/users/${user.body.id}`, { role: 'operator' });
    await expectEntry('user.role_changed', { ...onUser, details: { from: 'analyst', to: 'operator' } });
    await api.call('PATCH', `/api/v1/users/${user.body.id}`, { active: false });
    await expectEntry('user.deactivated', onUser);
    await api.call('PATCH', `/api/v1/users/${user.body.id}`, { active: true });
    await expectEntry('user.reactivated', onUser);
    await api.call('POST', `/api/v1/users/${user.body.id}/password`, { password: PASSWORD });
    await expectEntry('user.password_reset', onUser);

    await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ann@example.com', password: 'wrong password' },
      {
        as: 'anonymous',
      },
    );
    await expectEntry('login.failed', { actorKind: 'anonymous', actorId: null, details: { email: 'ann@example.com' } });
    const login = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ann@example.com', password: PASSWORD },
      {
        as: 'anonymous',
      },
    );
    await expectEntry('login.succeeded', {
      ...onUser,
      actorKind: 'user',
      actorId: user.body.id,
      actorLabel: 'ann@example.com',
    });
    const cookie = { as: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' } };
    await api.call(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: PASSWORD, newPassword: 'another password' },
      cookie,
    );
    await expectEntry('user.password_changed', { ...onUser, actorKind: 'user', actorId: user.body.id });
    const key = await api.call('POST', '/api/v1/api-keys', { name: 'ann key' }, cookie);
    await expectEntry('api_key.created', { objectType: 'api_key', objectId: key.body.key.id, actorId: user.body.id });
    await api.call('DELETE', `/api/v1/api-keys/${key.body.key.id}`, undefined, cookie);
    await expectEntry('api_key.revoked', { objectId: key.body.key.id });
    await api.call('POST', '/api/v1/auth/logout', undefined, cookie);
    await expectEntry('logout', { actorId: user.body.id });

    const credential = await api.call('POST', '/api/v1/credentials', {
      name: 'Hook secret',
      type: 'hmac',
      secret: { secret: 'a-very-long-shared-secret' },
    });
    await expectEntry('credential.created', {
      objectId: credential.body.id,
      details: { name: 'Hook secret', type: 'hmac' },
    });
    expect(JSON.stringify(await entries('credential.created'))).not.toContain('a-very-long-shared-secret');
    await api.call('DELETE', `/api/v1/credentials/${credential.body.id}`);
    await expectEntry('credential.deleted', { objectId: credential.body.id });
  });

  it('records the setup of a fresh install', async () => {
    const store = tempStore();
    const fresh = testApi({ store });
    storeFile(store).exec('delete from api_keys; delete from users;');
    try {
      const setup = await fresh.call(
        'POST',
        '/api/v1/auth/setup',
        { email: 'boss@example.com', name: 'Boss', password: PASSWORD },
        {
          as: 'anonymous',
        },
      );
      const cookie = { as: { cookie: (setup.headers.get('set-cookie') ?? '').split(';')[0] ?? '' } };
      const log = await fresh.call('GET', '/api/v1/audit?action=setup', undefined, cookie);
      expect(log.body.items).toMatchObject([
        { action: 'setup', actorId: setup.body.user.id, actorLabel: 'boss@example.com' },
      ]);
    } finally {
      store.cleanup();
    }
  });

  it('filters by actor, object and time, and pages with a cursor', async () => {
    const before = new Date().toISOString();
    for (let i = 0; i < 5; i++) await api.call('POST', '/api/v1/workflows', { name: `Page ${i}` }, { as: 'analyst' });
    const query = `actorId=${api.users.analyst.id}&action=workflow.created&from=${before}`;
    const first = await api.call('GET', `/api/v1/audit?${query}&limit=3`);
    expect(first.body.items).toHaveLength(3);
    expect(first.body.items.map((entry: { details: { name: string } }) => entry.details.name)).toEqual([
      'Page 4',
      'Page 3',
      'Page 2',
    ]);
    const second = await api.call('GET', `/api/v1/audit?${query}&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((entry: { details: { name: string } }) => entry.details.name)).toEqual([
      'Page 1',
      'Page 0',
    ]);
    expect(second.body.nextCursor).toBeNull();
    const objectId = first.body.items[0].objectId;
    const byObject = await api.call('GET', `/api/v1/audit?objectType=workflow&objectId=${objectId}`);
    expect(byObject.body.items.map((entry: { action: string }) => entry.action)).toEqual(['workflow.created']);
    const future = await api.call('GET', `/api/v1/audit?from=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.body.items).toEqual([]);
    expect((await api.call('GET', '/api/v1/audit?cursor=garbage')).status).toBe(400);
  });

  it("lists a user's autosaves in a row as one entry, never cut by a page, and names objects", async () => {
    const workflowOf = async (name: string, as: 'analyst' | 'admin') =>
      (await api.call('POST', '/api/v1/workflows', { name }, { as })).body.id as string;
    const save = (id: string, as: 'analyst' | 'admin') =>
      api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: STARTER_GRAPH }, { as });
    const since = new Date().toISOString();
    const mine = await workflowOf('Folded', 'analyst');
    for (let i = 0; i < 4; i++) await save(mine, 'analyst');
    await save(mine, 'admin'); // another user in between ends the run
    for (let i = 0; i < 3; i++) await save(mine, 'analyst');
    const query = `objectId=${mine}&from=${since}`;
    const all = (await api.call('GET', `/api/v1/audit?${query}`)).body.items;
    expect(all.map((entry: { action: string; count: number }) => [entry.action, entry.count])).toEqual([
      ['workflow.draft_saved', 3],
      ['workflow.draft_saved', 1],
      ['workflow.draft_saved', 4],
      ['workflow.created', 1],
    ]);
    expect(all.every((entry: { objectLabel: string }) => entry.objectLabel === 'Folded')).toBe(true);

    // Pages of one entry: each run arrives whole, and the cursor goes on after it.
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await api.call('GET', `/api/v1/audit?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((entry: { count: number }) => entry.count));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual([3, 1, 4, 1]);
  });

  it('cannot be changed or deleted, even with SQL', async () => {
    await api.repos.audit.append({
      actorKind: 'system',
      actorId: null,
      actorLabel: 'test',
      action: 'x',
      objectType: 'y',
    });
    expect(() => storeFile(api.store).exec("update audit_log set action = 'forged'")).toThrow(/append-only/);
    expect(() => storeFile(api.store).exec('delete from audit_log')).toThrow(/append-only/);
  });
});
