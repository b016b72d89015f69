import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertExecution } from '../../store/executions.ts';
import { insertWorkflow } from '../../store/workflows.ts';
import { type TestApi, testApi } from '../../testing/api.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

const create = (body: unknown) => api.call('POST', '/api/v1/variables', body);

/** The audit log's entries about variables, oldest first. */
async function auditOfVariables() {
  const answer = await api.call('GET', '/api/v1/audit?objectType=variable');
  expect(answer.status).toBe(200);
  return [...answer.body.items].reverse() as Array<{ action: string; actorLabel: string; details: unknown }>;
}

describe('variables API', () => {
  it('adds, lists by name, changes and deletes', async () => {
    const created = await create({ name: 'API_URL', value: 'https://api.example.com', description: 'CRM base URL' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'API_URL',
      value: 'https://api.example.com',
      description: 'CRM base URL',
    });
    expect((await create({ name: 'TEAM', value: 'ops' })).body.description).toBe('');
    const listed = await api.call('GET', '/api/v1/variables');
    expect(listed.body.items.map((variable: { name: string }) => variable.name)).toEqual(['API_URL', 'TEAM']);

    const changed = await api.call('PATCH', `/api/v1/variables/${created.body.id}`, {
      value: 'https://crm.example.com',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'API_URL', value: 'https://crm.example.com' });
    const renamed = await api.call('PATCH', `/api/v1/variables/${created.body.id}`, { name: 'CRM_URL' });
    expect(renamed.body.name).toBe('CRM_URL');

    expect((await api.call('DELETE', `/api/v1/variables/${created.body.id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/api/v1/variables/${created.body.id}`)).status).toBe(404);
    expect((await api.call('PATCH', `/api/v1/variables/${created.body.id}`, { value: 'x' })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/variables')).body.items.map((v: { name: string }) => v.name)).toEqual([
      'TEAM',
    ]);
  });

  it('lets every role read them, and only admins change them', async () => {
    await create({ name: 'REGION', value: 'eu' });
    for (const role of ['analyst', 'operator'] as const) {
      const listed = await api.call('GET', '/api/v1/variables', undefined, { as: role });
      expect(listed.status).toBe(200);
      expect(listed.body.items[0]).toMatchObject({ name: 'REGION', value: 'eu' });
      expect((await api.call('POST', '/api/v1/variables', { name: 'X', value: '1' }, { as: role })).status).toBe(403);
    }
  });

  it('refuses a name taken already, ignoring nothing: names are case-sensitive as vars.NAME is', async () => {
    const first = await create({ name: 'REGION', value: 'eu' });
    const again = await create({ name: 'REGION', value: 'us' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'name_taken', message: 'a variable named REGION exists already' });
    expect((await create({ name: 'region', value: 'us' })).status).toBe(201);
    const other = await create({ name: 'ZONE', value: 'a' });
    const clash = await api.call('PATCH', `/api/v1/variables/${other.body.id}`, { name: 'REGION' });
    expect(clash.status).toBe(409);
    expect(
      (await api.call('GET', '/api/v1/variables')).body.items.find((v: { id: string }) => v.id === first.body.id),
    ).toMatchObject({ value: 'eu' });
  });

  it('refuses names expressions cannot write as vars.NAME, and bad bodies, naming the field', async () => {
    for (const name of ['1ST', 'with space', 'dash-ed', 'é', '', '__proto__']) {
      const answer = await create({ name, value: 'x' });
      expect(answer.status, name).toBe(400);
      expect(answer.body.error.message, name).toMatch(/^invalid body: name: /);
    }
    expect((await create({ name: 'OK', value: 42 })).body.error.message).toMatch(/value/);
    expect((await create({ name: 'OK', value: 'x', secret: true })).status).toBe(400);
    expect((await create({ name: 'OK', value: 'x'.repeat(10_001) })).status).toBe(400);
    const made = await create({ name: 'OK', value: 'x' });
    const empty = await api.call('PATCH', `/api/v1/variables/${made.body.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('nothing to change');
    expect((await api.call('PATCH', '/api/v1/variables/not-an-id', { value: 'x' })).status).toBe(400);
  });

  it('audits who changed what, with the old and the new value', async () => {
    const created = await create({ name: 'API_URL', value: 'https://old.example.com' });
    await api.call('PATCH', `/api/v1/variables/${created.body.id}`, { value: 'https://new.example.com' });
    await api.call('DELETE', `/api/v1/variables/${created.body.id}`);
    const entries = await auditOfVariables();
    expect(entries.map((entry) => entry.action)).toEqual(['variable.created', 'variable.updated', 'variable.deleted']);
    for (const entry of entries) expect(entry.actorLabel).toContain(api.users.admin.email);
    expect(entries[0]?.details).toEqual({ name: 'API_URL', value: 'https://old.example.com', description: '' });
    expect(entries[1]?.details).toEqual({
      name: 'API_URL',
      changed: { value: { from: 'https://old.example.com', to: 'https://new.example.com' } },
    });
    expect(entries[2]?.details).toEqual({ name: 'API_URL', value: 'https://new.example.com', description: '' });
  });

  it('is what a run records when it is created, and the execution API shows it', async () => {
    await create({ name: 'REGION', value: 'eu' });
    const { db, sqlite } = api.store;
    const workflow = insertWorkflow(db, { name: 'Reads vars', draft: { nodes: [], edges: [] } });
    const run = insertExecution(sqlite, {
      workflowId: workflow.id,
      versionId: null,
      graph: { nodes: [], edges: [] },
      trigger: 'test',
      triggerPayload: {},
    });
    expect(run.vars).toEqual({ REGION: 'eu' });
    const listed = await api.call('GET', '/api/v1/variables');
    await api.call('PATCH', `/api/v1/variables/${listed.body.items[0].id}`, { value: 'us' });
    const shown = await api.call('GET', `/api/v1/executions/${run.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.vars).toEqual({ REGION: 'eu' });
  });
});
