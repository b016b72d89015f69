import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../../testing/api.ts';
import { loneTrigger, triggerThenHttp } from '../../testing/graphs.ts';
import { engineRecords, storeFile } from '../../testing/store.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

const create = async (name: string, extra: Record<string, unknown> = {}) => {
  const answer = await api.call('POST', '/api/v1/workflows', { name, ...extra });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; name: string };
};

describe('workflows', () => {
  it('creates a workflow whose draft starts as a valid manual trigger', async () => {
    const workflow = await create('Orders', { description: 'New orders to the CRM' });
    expect(workflow).toMatchObject({ name: 'Orders', active: false, archived: false, publishedVersion: null });
    const draft = await api.call('GET', `/api/v1/workflows/${workflow.id}/draft`);
    expect(draft.status).toBe(200);
    expect(draft.body.valid).toBe(true);
    expect(draft.body.graph.nodes).toHaveLength(1);
    expect(draft.body.graph.nodes[0].type).toBe('trigger.manual');
  });

  it('gets, renames, describes, archives and restores', async () => {
    const { id } = await create('Orders');
    expect((await api.call('GET', `/api/v1/workflows/${id}`)).body.name).toBe('Orders');
    const renamed = await api.call('PATCH', `/api/v1/workflows/${id}`, { name: 'Orders v2', description: 'x' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Orders v2', description: 'x' });

    await api.call('PATCH', `/api/v1/workflows/${id}`, { archived: true });
    expect((await api.call('GET', '/api/v1/workflows')).body.items).toHaveLength(0);
    const archived = await api.call('GET', '/api/v1/workflows?archived=true');
    expect(archived.body.items.map((item: { id: string }) => item.id)).toEqual([id]);
    await api.call('PATCH', `/api/v1/workflows/${id}`, { archived: false });
    expect((await api.call('GET', '/api/v1/workflows')).body.items).toHaveLength(1);
  });

  it('refuses an empty patch, unknown fields and a blank name', async () => {
    const { id } = await create('Orders');
    for (const body of [{}, { nmae: 'typo' }, { name: '   ' }]) {
      const answer = await api.call('PATCH', `/api/v1/workflows/${id}`, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
    expect((await api.call('GET', `/api/v1/workflows/${id}`)).body.name).toBe('Orders');
  });

  it('activates only a workflow with a published version', async () => {
    const { id } = await create('Orders');
    const refused = await api.call('POST', `/api/v1/workflows/${id}/activate`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_published');
    await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
    const accepted = await api.call('POST', `/api/v1/workflows/${id}/activate`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.active).toBe(true);
    const stopped = await api.call('POST', `/api/v1/workflows/${id}/deactivate`);
    expect(stopped.body.active).toBe(false);
    expect((await api.call('PATCH', `/api/v1/workflows/${id}`, { active: true })).status).toBe(400);
  });

  it('searches by name or description, treating % and _ literally', async () => {
    await create('Invoices to Slack');
    await create('Leads', { description: 'sync invoices nightly' });
    await create('100%_done');
    const names = async (q: string) =>
      (await api.call('GET', `/api/v1/workflows?q=${encodeURIComponent(q)}`)).body.items
        .map((w: { name: string }) => w.name)
        .sort();
    expect(await names('invoice')).toEqual(['Invoices to Slack', 'Leads']);
    expect(await names('%_')).toEqual(['100%_done']);
    expect(await names('nothing like this')).toEqual([]);
  });

  it('pages through the list with a cursor, newest change first, without repeats', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 7; index++) ids.push((await create(`W${index}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.call('GET', `/api/v1/workflows?limit=3${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const bad = await api.call('GET', '/api/v1/workflows?cursor=garbage');
    expect(bad.status).toBe(400);
  });

  it('shows each workflow’s newest run, whatever started it, and null before the first', async () => {
    const { id } = await create('Orders');
    const other = await create('Quiet');
    expect((await api.call('GET', `/api/v1/workflows/${id}`)).body.lastRun).toBeNull();
    const first = engineRecords(api.store).insertExecution({
      workflowId: id,
      versionId: null,
      trigger: 'test',
      triggerPayload: {},
    });
    await new Promise((resolve) => setTimeout(resolve, 5)); // created_at has millisecond resolution
    const second = engineRecords(api.store).insertExecution({
      workflowId: id,
      versionId: null,
      trigger: 'manual',
      triggerPayload: {},
    });
    engineRecords(api.store).finishExecution(second.id, 'failed', { message: 'boom' });
    expect(first.createdAt < second.createdAt).toBe(true);
    const list = (await api.call('GET', '/api/v1/workflows')).body.items as Array<{ id: string; lastRun: unknown }>;
    expect(list.find((item) => item.id === id)?.lastRun).toEqual({
      executionId: second.id,
      status: 'failed',
      at: second.createdAt,
    });
    expect(list.find((item) => item.id === other.id)?.lastRun).toBeNull();
    expect((await api.call('GET', `/api/v1/workflows/${id}`)).body.lastRun.executionId).toBe(second.id);
  });

  it('deletes a workflow with its versions', async () => {
    const { id } = await create('Orders');
    await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
    expect((await api.call('DELETE', `/api/v1/workflows/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/api/v1/workflows/${id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/workflows/${id}`)).status).toBe(404);
    const versions = storeFile(api.store).get('select count(*) as n from workflow_versions') as { n: number };
    expect(versions.n).toBe(0);
  });

  it('answers 400 for an id that is not a uuid and 404 for an unknown one', async () => {
    expect((await api.call('GET', '/api/v1/workflows/not-an-id')).status).toBe(400);
    const missing = await api.call('GET', '/api/v1/workflows/01a200a9-5cfd-7049-9fb8-b1b2d26fba24');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('draft', () => {
  it('saves an invalid draft and lists its problems', async () => {
    const { id } = await create('Orders');
    const graph = triggerThenHttp('{{ steps.Nowhere.output.url }}');
    const saved = await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph });
    expect(saved.status).toBe(200);
    expect(saved.body.valid).toBe(false);
    expect(saved.body.problems).toEqual([
      expect.objectContaining({ code: 'unknown_step_reference', nodeId: 'call', field: 'config.url' }),
    ]);
    const reloaded = await api.call('GET', `/api/v1/workflows/${id}/draft`);
    expect(reloaded.body.graph.nodes[1].config.url).toBe('{{ steps.Nowhere.output.url }}');
  });

  it('refuses a malformed draft with 400 and keeps the previous one', async () => {
    const { id } = await create('Orders');
    const before = await api.call('GET', `/api/v1/workflows/${id}/draft`);
    for (const graph of [
      { nodes: 'x', edges: [] },
      { nodes: [{ id: 'a' }], edges: [] },
      { ...loneTrigger(), extra: 1 },
    ]) {
      const answer = await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.length).toBeGreaterThan(0);
    }
    expect((await api.call('GET', `/api/v1/workflows/${id}/draft`)).body).toEqual(before.body);
  });

  it('detects two editors overwriting each other through the revision', async () => {
    const { id } = await create('Orders');
    const opened = (await api.call('GET', `/api/v1/workflows/${id}/draft`)).body.revision;
    const first = await api.call('PUT', `/api/v1/workflows/${id}/draft`, {
      graph: triggerThenHttp(),
      revision: opened,
    });
    expect(first.status).toBe(200);
    expect(first.body.revision).toBe(opened + 1);
    const stale = await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: loneTrigger(), revision: opened });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details.currentRevision).toBe(opened + 1);
    expect((await api.call('GET', `/api/v1/workflows/${id}/draft`)).body.graph.nodes).toHaveLength(2);
  });
});
