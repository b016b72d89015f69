import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../../testing/api.ts';
import { loneTrigger, triggerThenHttp } from '../../testing/graphs.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

async function workflowWithHistory() {
  const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Orders', description: 'desc' })).body;
  await api.call('POST', `/api/v1/workflows/${id}/versions`, { graph: loneTrigger(), message: 'one' });
  await api.call('POST', `/api/v1/workflows/${id}/versions`, { graph: triggerThenHttp(), message: 'two' });
  await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: triggerThenHttp('https://draft.test/') });
  await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 2 });
  return id as string;
}

describe('export and import', () => {
  it('round-trips a workflow with all its versions as a new unpublished workflow', async () => {
    const id = await workflowWithHistory();
    const exported = await api.call('GET', `/api/v1/workflows/${id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('Orders.stepwise.json');
    expect(exported.body).toMatchObject({ format: 'stepwise.workflow', formatVersion: 1, publishedVersion: 2 });
    expect(exported.body.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);

    const imported = await api.call('POST', '/api/v1/workflows/import', exported.body);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      name: 'Orders',
      description: 'desc',
      latestVersion: 2,
      publishedVersion: null,
    });
    expect(imported.body.id).not.toBe(id);
    const v2 = await api.call('GET', `/api/v1/workflows/${imported.body.id}/versions/2`);
    expect(v2.body).toMatchObject({ message: 'two', graph: triggerThenHttp() });
    const draft = await api.call('GET', `/api/v1/workflows/${imported.body.id}/draft`);
    expect(draft.body.graph.nodes[1].config.url).toBe('https://draft.test/');
  });

  it('exports only the latest version when asked, and imports it as version 1', async () => {
    const id = await workflowWithHistory();
    const exported = await api.call('GET', `/api/v1/workflows/${id}/export?versions=latest`);
    expect(exported.body.versions.map((v: { message: string }) => v.message)).toEqual(['two']);
    const imported = await api.call('POST', '/api/v1/workflows/import', { ...exported.body, name: 'Copy' });
    expect(imported.body).toMatchObject({ name: 'Copy', latestVersion: 1 });
  });

  it('refuses an import whose version graph is invalid, naming the version, and imports nothing', async () => {
    const id = await workflowWithHistory();
    const exported = (await api.call('GET', `/api/v1/workflows/${id}/export`)).body;
    exported.versions[1].graph.nodes[1].config.url = 'not a url';
    const answer = await api.call('POST', '/api/v1/workflows/import', exported);
    expect(answer.status).toBe(422);
    expect(answer.body.error.details.problems).toContainEqual(
      expect.objectContaining({ version: 2, nodeId: 'call', field: 'config.url' }),
    );
    expect((await api.call('GET', '/api/v1/workflows')).body.items).toHaveLength(1);
  });

  it('refuses documents that are not Stepwise exports', async () => {
    for (const body of [{}, { format: 'n8n' }, { format: 'stepwise.workflow', formatVersion: 2 }]) {
      expect((await api.call('POST', '/api/v1/workflows/import', body)).status).toBe(400);
    }
  });
});
