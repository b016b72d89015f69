import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../../testing/api.ts';
import { loneTrigger, triggerThenHttp } from '../../testing/graphs.ts';

let api: TestApi;
let id: string;
beforeEach(async () => {
  api = testApi();
  id = (await api.call('POST', '/api/v1/workflows', { name: 'Orders' })).body.id;
});
afterEach(() => api.cleanup());

const saveVersion = (body: unknown) => api.call('POST', `/api/v1/workflows/${id}/versions`, body);

describe('versions', () => {
  it('numbers versions 1..n and keeps each graph immutable', async () => {
    const first = await saveVersion({ graph: loneTrigger(), message: 'first' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ number: 1, message: 'first', published: false });
    await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: triggerThenHttp() });
    const second = await saveVersion({ fromDraft: true, message: 'adds the call' });
    expect(second.body.number).toBe(2);
    expect(second.body.graph.nodes).toHaveLength(2);

    // Changing the draft afterwards does not touch saved versions.
    await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: loneTrigger() });
    const v2 = await api.call('GET', `/api/v1/workflows/${id}/versions/2`);
    expect(v2.body.graph.nodes).toHaveLength(2);

    const list = await api.call('GET', `/api/v1/workflows/${id}/versions`);
    expect(list.body.items.map((v: { number: number; message: string }) => [v.number, v.message])).toEqual([
      [1, 'first'],
      [2, 'adds the call'],
    ]);
    expect(list.body.items[0].graph).toBeUndefined();
    expect((await api.call('GET', `/api/v1/workflows/${id}`)).body.latestVersion).toBe(2);
  });

  it('refuses an invalid graph with 422 naming node and field, and creates nothing', async () => {
    const graph = triggerThenHttp('ftp://nope');
    const answer = await saveVersion({ graph });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('invalid_graph');
    expect(answer.body.error.details.problems).toContainEqual(
      expect.objectContaining({ code: 'invalid_config', nodeId: 'call', field: 'config.url' }),
    );
    expect((await api.call('GET', `/api/v1/workflows/${id}/versions`)).body.items).toEqual([]);
  });

  it('refuses a draft with an expression that does not parse, naming the field and the text', async () => {
    const graph = triggerThenHttp('https://a.test/{{ input.}}');
    await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph });
    const draft = await api.call('GET', `/api/v1/workflows/${id}/draft`);
    const expected = {
      code: 'invalid_expression',
      nodeId: 'call',
      field: 'config.url',
      position: 24,
      message: expect.stringContaining('"{{ input.}}": the expression stops after "input."'),
    };
    expect(draft.body.problems).toContainEqual(expected);
    const answer = await saveVersion({ fromDraft: true });
    expect(answer.status).toBe(422);
    expect(answer.body.error.details.problems).toContainEqual(expected);
    expect((await api.call('GET', `/api/v1/workflows/${id}/versions`)).body.items).toEqual([]);
  });

  it('refuses to version an invalid draft', async () => {
    await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph: { nodes: [], edges: [] } });
    const answer = await saveVersion({ fromDraft: true });
    expect(answer.status).toBe(422);
    expect(answer.body.error.details.problems[0].code).toBe('trigger_count');
  });

  it('wants exactly one of graph and fromDraft', async () => {
    expect((await saveVersion({ graph: loneTrigger(), fromDraft: true })).status).toBe(400);
    expect((await saveVersion({ message: 'nothing' })).status).toBe(400);
    expect((await saveVersion({ fromDraft: false })).status).toBe(400);
  });

  it('answers 404 for a version that does not exist', async () => {
    expect((await api.call('GET', `/api/v1/workflows/${id}/versions/9`)).status).toBe(404);
    expect((await api.call('GET', `/api/v1/workflows/${id}/versions/0`)).status).toBe(400);
  });
});

describe('diff', () => {
  it('lists nodes added, removed and changed with the changed fields, and edges', async () => {
    await saveVersion({ graph: triggerThenHttp('https://a.test/') });
    const next = triggerThenHttp('https://b.test/');
    next.nodes.push({ id: 'tidy', type: 'transform.set', name: 'Tidy', position: { x: 0, y: 240 }, config: {} });
    next.edges.push({ id: 'e2', source: 'call', sourcePort: 'main', target: 'tidy' });
    await saveVersion({ graph: next });

    const answer = await api.call('GET', `/api/v1/workflows/${id}/diff?from=1&to=2`);
    expect(answer.status).toBe(200);
    expect(answer.body.nodes.added).toEqual([{ id: 'tidy', name: 'Tidy', type: 'transform.set' }]);
    expect(answer.body.nodes.removed).toEqual([]);
    expect(answer.body.nodes.changed).toEqual([
      expect.objectContaining({
        id: 'call',
        changes: [{ field: 'config.url', kind: 'changed', from: 'https://a.test/', to: 'https://b.test/' }],
      }),
    ]);
    expect(answer.body.edges.added).toEqual([{ source: 'call', sourcePort: 'main', target: 'tidy' }]);
    const reverse = await api.call('GET', `/api/v1/workflows/${id}/diff?from=2&to=1`);
    expect(reverse.body.nodes.removed.map((node: { id: string }) => node.id)).toEqual(['tidy']);
    expect((await api.call('GET', `/api/v1/workflows/${id}/diff?from=1&to=7`)).status).toBe(404);
    expect((await api.call('GET', `/api/v1/workflows/${id}/diff?from=1`)).status).toBe(400);
  });
});

describe('publish and roll back', () => {
  it('refuses a role with the right this very request needs', async () => {
    for (const message of ['v1', 'v2', 'v3']) await saveVersion({ graph: loneTrigger(), message });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 2 });
    const publish = (as: 'analyst' | 'operator', version: number) =>
      api.call('POST', `/api/v1/workflows/${id}/publish`, { version }, { as });

    // Publishing a newer version needs "publish" (admins), whoever asks: not the "operate" of a rollback.
    for (const role of ['analyst', 'operator'] as const) {
      const newer = await publish(role, 3);
      expect(newer.status).toBe(403);
      expect(newer.body.error.details).toEqual({ needs: 'publish' });
      expect(newer.body.error.message).toMatch(
        new RegExp(
          `^this needs "publish" access \\(admins\\), which your role \\(${role}, through an? ${role} key\\) does not have$`,
        ),
      );
    }
    // A rollback needs "operate": an analyst lacks it, an operator has it.
    const rollback = await publish('analyst', 1);
    expect(rollback.status).toBe(403);
    expect(rollback.body.error.details).toEqual({ needs: 'operate' });
    expect(rollback.body.error.message).toMatch(/"operate" access \(operators and admins\)/);
    expect((await publish('operator', 1)).status).toBe(200);
  });

  it('publishes, rolls back, and keeps the whole history', async () => {
    await saveVersion({ graph: loneTrigger() });
    await saveVersion({ graph: triggerThenHttp() });

    const first = await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 2 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      publishedVersion: 2,
      changed: true,
      publication: { kind: 'publish', version: 2 },
    });
    const again = await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 2 });
    expect(again.body).toMatchObject({ changed: false, publication: null });

    const rollback = await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
    expect(rollback.body.publication).toMatchObject({ kind: 'rollback', version: 1, previousVersion: 2 });
    expect((await api.call('GET', `/api/v1/workflows/${id}`)).body.publishedVersion).toBe(1);
    const versions = (await api.call('GET', `/api/v1/workflows/${id}/versions`)).body.items;
    expect(versions.map((v: { published: boolean }) => v.published)).toEqual([true, false]);

    const history = await api.call('GET', `/api/v1/workflows/${id}/publications`);
    expect(history.body.items.map((p: { kind: string; version: number }) => [p.kind, p.version])).toEqual([
      ['rollback', 1],
      ['publish', 2],
    ]);
  });

  it('refuses to publish a version that does not exist', async () => {
    const answer = await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 3 });
    expect(answer.status).toBe(404);
    expect((await api.call('GET', `/api/v1/workflows/${id}/publications`)).body.items).toEqual([]);
  });
});
