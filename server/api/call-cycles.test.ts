import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../testing/api.ts';

/*
 * Sub-workflow call cycles are refused with 422 when a version is saved or published
 * (server/api/call-graph.ts over the pure check in server/core/call-cycles.ts):
 *
 *   Orders ──calls──▶ Enrich ──calls──▶ Orders          (through one workflow)
 *   Orders ──calls──▶ Enrich ──calls──▶ Audit ──▶ Orders (through a third)
 */
let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

const create = async (name: string): Promise<string> => (await api.call('POST', '/api/v1/workflows', { name })).body.id;

/** A trigger, then a "Run workflow" of each callee (`published` unless a number is given). */
function calling(...callees: Array<string | [string, number]>) {
  return {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      ...callees.map((callee, index) => ({
        id: `call${index}`,
        type: 'flow.subworkflow',
        name: `Call ${index}`,
        position: { x: 0, y: 100 * (index + 1) },
        config: Array.isArray(callee) ? { workflowId: callee[0], version: callee[1] } : { workflowId: callee },
      })),
    ],
    edges: callees.map((_, index) => ({
      id: `e${index}`,
      source: index === 0 ? 'start' : `call${index - 1}`,
      sourcePort: 'main',
      target: `call${index}`,
    })),
  };
}

const save = (id: string, graph: unknown) => api.call('POST', `/api/v1/workflows/${id}/versions`, { graph });
const publish = (id: string, version: number) => api.call('POST', `/api/v1/workflows/${id}/publish`, { version });

describe('sub-workflow call cycles', () => {
  it('refuses a version that calls its own workflow, naming the chain', async () => {
    const orders = await create('Orders');
    const answer = await save(orders, calling(orders));
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({
      code: 'call_cycle',
      message: 'the workflow would call itself: Orders → Orders',
      details: { chain: ['Orders', 'Orders'] },
    });
  });

  it('refuses saving a version that calls back through another workflow’s published version', async () => {
    const orders = await create('Orders');
    const enrich = await create('Enrich');
    expect((await save(orders, calling())).status).toBe(201);
    expect((await publish(orders, 1)).status).toBe(200);
    expect((await save(enrich, calling(orders))).status).toBe(201);
    expect((await publish(enrich, 1)).status).toBe(200);
    const answer = await save(orders, calling(enrich));
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toBe('the workflow would call itself: Orders → Enrich → Orders');
  });

  it('refuses publishing a version that closes a cycle through a third workflow, and a fixed version', async () => {
    const orders = await create('Orders');
    const enrich = await create('Enrich');
    const auditing = await create('Audit');
    expect((await save(enrich, calling(auditing))).status).toBe(201); // Enrich v1 → Audit (published)
    expect((await publish(enrich, 1)).status).toBe(200);
    expect((await save(orders, calling())).status).toBe(201); // Orders v1 calls nothing
    expect((await publish(orders, 1)).status).toBe(200);
    // Audit v1 → Orders v2, a fixed version that does not exist yet: nothing to follow, saved.
    expect((await save(auditing, calling([orders, 2]))).status).toBe(201);
    expect((await publish(auditing, 1)).status).toBe(200);
    // Orders v2 → Enrich → Audit → Orders v2: refused when saved.
    const saved = await save(orders, calling(enrich));
    expect(saved.status).toBe(422);
    expect(saved.body.error.message).toBe('the workflow would call itself: Orders → Enrich → Audit → Orders');

    // Publishing closes a cycle too: Audit v2 → Orders (published); Orders v2 (saved before) → Enrich v1.
    expect((await save(auditing, calling())).status).toBe(201); // Audit v2 calls nothing
    expect((await publish(auditing, 2)).status).toBe(200);
    expect((await save(orders, calling(enrich))).status).toBe(201); // Orders v2 → Enrich → Audit v2: fine
    // Rolling Audit back to v1 (→ Orders v2 → Enrich → Audit published = v1) would close it.
    const rolledBack = await publish(auditing, 1);
    expect(rolledBack.status).toBe(422);
    expect(rolledBack.body.error.message).toBe('the workflow would call itself: Audit → Orders → Enrich → Audit');
    expect((await api.call('GET', `/api/v1/workflows/${auditing}`)).body.publishedVersion).toBe(2);
  });

  it('allows calling another workflow, and an older version of itself that calls nothing', async () => {
    const orders = await create('Orders');
    const enrich = await create('Enrich');
    expect((await save(enrich, calling())).status).toBe(201);
    expect((await save(orders, calling())).status).toBe(201);
    expect((await save(orders, calling(enrich, [orders, 1]))).status).toBe(201);
  });
});
