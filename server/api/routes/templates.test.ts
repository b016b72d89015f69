import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { templates } from '../../../templates/catalogue.ts';
import type { Template } from '../../../templates/define.ts';
import type { Problem } from '../../core/graph/model.ts';
import { type TestApi, testApi } from '../../testing/api.ts';
import { availableTemplates, type TemplateShape } from './templates.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

const offered = availableTemplates(templates);
const syncOrders = templates.find((template) => template.slug === 'sync-new-orders') as Template;

describe('GET /templates', () => {
  it('lists every template whose node types this server knows, in the gallery’s order, with its graph', async () => {
    const answer = await api.call('GET', '/api/v1/templates', undefined, { as: 'operator' });
    expect(answer.status).toBe(200);
    const items = answer.body.items as TemplateShape[];
    expect(items.map((item) => item.slug)).toEqual(offered.map((template) => template.slug));
    expect(items.length).toBeGreaterThanOrEqual(8);
    const sync = items.find((item) => item.slug === 'sync-new-orders');
    expect(sync).toMatchObject({
      title: syncOrders.title,
      description: syncOrders.description,
      category: 'Sales & CRM',
      tags: syncOrders.tags,
      credentials: [{ node: 'upsert', field: 'credentialId', optional: true }],
    });
    expect(sync?.graph).toEqual(syncOrders.graph);
  });

  it('leaves out a template that needs a node type the server does not have', () => {
    const knows = (type: string) => type !== 'action.http';
    const kept = availableTemplates(templates, knows);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((template) => template.graph.nodes.every((node) => node.type !== 'action.http'))).toBe(true);
    expect(kept.map((template) => template.slug)).not.toContain('sync-new-orders');
    expect(availableTemplates(templates, () => true)).toHaveLength(templates.length);
  });
});

describe('POST /templates/:slug/use', () => {
  it('creates a workflow whose draft is the template’s graph, named after it, unpublished', async () => {
    const answer = await api.call('POST', '/api/v1/templates/sync-new-orders/use', undefined, { as: 'analyst' });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      name: syncOrders.title,
      description: syncOrders.description,
      active: false,
      publishedVersion: null,
    });
    const draft = await api.call('GET', `/api/v1/workflows/${answer.body.id}/draft`);
    expect(draft.body.graph).toEqual(syncOrders.graph);
    expect(draft.body.valid).toBe(true);

    // It is the user's workflow from here on: editable like any other.
    const edited = { ...syncOrders.graph, nodes: syncOrders.graph.nodes.slice(0, 1), edges: [] };
    const saved = await api.call('PUT', `/api/v1/workflows/${answer.body.id}/draft`, { graph: edited });
    expect(saved.status).toBe(200);
    expect(saved.body.graph.nodes).toHaveLength(1);
  });

  it('takes the name given, and records which template the workflow came from', async () => {
    const answer = await api.call('POST', '/api/v1/templates/webhook-to-slack/use', { name: 'Deploys to #eng' });
    expect(answer.status).toBe(201);
    expect(answer.body.name).toBe('Deploys to #eng');
    const log = await api.call('GET', '/api/v1/audit?action=workflow.created');
    expect(log.body.items[0]).toMatchObject({
      objectId: answer.body.id,
      details: { name: 'Deploys to #eng', template: 'webhook-to-slack' },
    });
  });

  it('opens every offered template as a draft whose only problems are the credentials it names', async () => {
    for (const template of offered) {
      const created = await api.call('POST', `/api/v1/templates/${template.slug}/use`, {});
      expect(created.status, template.slug).toBe(201);
      const draft = await api.call('GET', `/api/v1/workflows/${created.body.id}/draft`);
      const left = (draft.body.problems as Problem[]).filter(
        (problem) =>
          !template.credentials.some(
            (credential) => credential.node === problem.nodeId && problem.field === `config.${credential.field}`,
          ),
      );
      expect(left, template.slug).toEqual([]);
      const ids = JSON.stringify(draft.body.graph);
      expect(ids, template.slug).not.toMatch(/"(credentialId|secretCredentialId)"/);
    }
  });

  it('answers 404 for a template that does not exist, and refuses a blank name', async () => {
    const missing = await api.call('POST', '/api/v1/templates/no-such-template/use', {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const blank = await api.call('POST', '/api/v1/templates/sync-new-orders/use', { name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toMatch(/name/);
  });

  it('is refused to an operator, who may not create workflows', async () => {
    const answer = await api.call('POST', '/api/v1/templates/sync-new-orders/use', {}, { as: 'operator' });
    expect(answer.status).toBe(403);
    const list = await api.call('GET', '/api/v1/workflows', undefined, { as: 'operator' });
    expect(list.body.items).toEqual([]);
  });
});
