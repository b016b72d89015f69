import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNodeType } from '../../nodes/catalogue.ts';
import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { installNodePacks, loadNodePacks } from './load.ts';

/*
 * The example pack (examples/node-pack/) loaded as the API process loads NODE_PACKS at start, then
 * the API as the editor and an admin use it: the pack's types are served, checked and stored like
 * the built-ins, with the pack named beside them.
 */

let api: TestApi;
beforeAll(async () => {
  installNodePacks(await loadNodePacks(['./examples/node-pack'], resolve(import.meta.dirname, '../..')));
  api = testApi();
});
afterAll(() => api?.cleanup());

const PACK = { name: 'example', version: '1.0.0' };

/**
 *   Start ──▶ Shout (Text case: upper) ──▶ Joke (Random joke)
 */
const graphWith = (textCaseConfig: Record<string, unknown>, jokeConfig: Record<string, unknown> = {}) => ({
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'shout',
      type: 'transform.example.textCase',
      name: 'Shout',
      position: { x: 200, y: 0 },
      config: textCaseConfig,
    },
    { id: 'joke', type: 'action.example.randomJoke', name: 'Joke', position: { x: 400, y: 0 }, config: jokeConfig },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'shout' },
    { id: 'e2', source: 'shout', sourcePort: 'main', target: 'joke' },
  ],
});

describe('a node pack through the API', () => {
  it('serves the pack’s node types after the built-ins, each with its pack, ports, icon and config schema', async () => {
    const answer = await api.call('GET', '/api/v1/node-types', undefined, { as: 'analyst' });
    expect(answer.status).toBe(200);
    const types = answer.body.items as Array<Record<string, unknown>>;
    expect(types.slice(-2).map((type) => type.type)).toEqual([
      'transform.example.textCase',
      'action.example.randomJoke',
    ]);
    const textCase = types.find((type) => type.type === 'transform.example.textCase');
    expect(textCase).toMatchObject({
      kind: 'transform',
      title: 'Text case',
      version: 1,
      outputs: ['main'],
      accent: '#0369a1',
      icon: { svg: expect.stringMatching(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/) },
      pack: PACK,
      configSchema: {
        type: 'object',
        properties: { text: { format: 'template' }, case: { default: 'title' }, field: { default: 'text' } },
      },
    });
    const joke = types.find((type) => type.type === 'action.example.randomJoke');
    expect(joke).toMatchObject({
      icon: { name: 'message-square' },
      pack: PACK,
      retry: { maxAttempts: 3 },
      configSchema: { properties: { credentialId: { format: 'credential', credentialTypes: ['example.jokeApiKey'] } } },
    });
    // Built-ins say no pack.
    expect(types.find((type) => type.type === 'action.http')).not.toHaveProperty('pack');
  });

  it('keeps the built-ins’ lookups typed as before, beside the pack’s', () => {
    // `findNodeType` with a literal answers that node's definition: its config parses to its type.
    const webhook = findNodeType('trigger.webhook').config.parse({ path: 'orders' });
    expect(webhook.method).toBe('POST');
    expect(findNodeType('transform.example.textCase')?.title).toBe('Text case');
    expect(findCredentialType('example.jokeApiKey')?.title).toBe('Joke service API key');
  });

  it('validates a draft with pack nodes, naming the node and field of a bad config', async () => {
    const created = await api.call('POST', '/api/v1/workflows', { name: 'Pack draft' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const good = await api.call('PUT', `/api/v1/workflows/${id}/draft`, {
      graph: graphWith({ text: '{{ input.name }}', case: 'upper' }),
    });
    expect(good.status).toBe(200);
    expect(good.body.problems).toEqual([]);
    const bad = await api.call('PUT', `/api/v1/workflows/${id}/draft`, {
      graph: graphWith({ text: '{{ input.name }}', case: 'shouting' }, { url: 'ftp://jokes.example.com' }),
    });
    expect(bad.body.problems).toEqual([
      expect.objectContaining({ nodeId: 'shout', field: 'config.case' }),
      expect.objectContaining({ nodeId: 'joke', field: 'config.url' }),
    ]);
    // A version is only ever a valid graph: the bad draft is refused, the good one saved.
    expect((await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true })).status).toBe(422);
    const saved = await api.call('POST', `/api/v1/workflows/${id}/versions`, {
      graph: graphWith({ text: '{{ input.name }}' }),
    });
    expect(saved.status).toBe(201);
  });

  it('offers the pack’s credential type, with its pack, and stores a credential of it, checking the secret', async () => {
    const types = await api.call('GET', '/api/v1/credential-types', undefined, { as: 'admin' });
    const jokeKey = (types.body.items as Array<Record<string, unknown>>).find(
      (type) => type.type === 'example.jokeApiKey',
    );
    expect(jokeKey).toMatchObject({
      title: 'Joke service API key',
      testable: true,
      pack: PACK,
      secretSchema: { properties: { key: { title: 'API key', writeOnly: true } } },
    });
    const refused = await api.call('POST', '/api/v1/credentials', {
      name: 'Jokes key (bad)',
      type: 'example.jokeApiKey',
      secret: { key: 'a\nb' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error)).toContain('secret.key');
    const stored = await api.call('POST', '/api/v1/credentials', {
      name: 'Jokes key',
      type: 'example.jokeApiKey',
      secret: { key: 'jk-1234567890' },
    });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ name: 'Jokes key', type: 'example.jokeApiKey' });
    expect(JSON.stringify(stored.body)).not.toContain('jk-1234567890');
  });

  it('documents the pack fields in the OpenAPI document', async () => {
    const document = await api.call('GET', '/api/v1/openapi.json', undefined, { as: 'anonymous' });
    expect(document.status).toBe(200);
    expect(document.body.components.schemas.NodePack).toMatchObject({
      properties: { name: { type: 'string' }, version: { type: 'string' } },
    });
    expect(JSON.stringify(document.body)).toContain('example.jokeApiKey');
  });
});
