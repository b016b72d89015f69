import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../nodes/catalogue.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { apiRoutes } from './app.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi({ apiBodyLimit: 64 * 1024 });
});
afterEach(() => api.cleanup());

describe('error shape', () => {
  it('answers bad JSON with 400 invalid_json', async () => {
    const answer = await api.call('POST', '/api/v1/workflows', '{"name": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_json' });
    expect(answer.body.error.message).toMatch(/not valid JSON/);
  });

  it('answers unknown fields with 400 naming them', async () => {
    const answer = await api.call('POST', '/api/v1/workflows', { name: 'x', colour: 'red' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(answer.body.error.details)).toContain('colour');
  });

  it('answers an oversized body with 413 and stores nothing', async () => {
    const answer = await api.call('POST', '/api/v1/workflows', { name: 'x', description: 'y'.repeat(100 * 1024) });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('payload_too_large');
    expect((await api.call('GET', '/api/v1/workflows')).body.items).toEqual([]);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const answer = await api.call('GET', '/api/v1/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
  });

  it('sets security headers', async () => {
    const response = await api.app.request('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // CORS stays closed: no origin is ever allowed to read answers from a browser.
    const preflight = await api.app.request('/api/v1/workflows', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('caching', () => {
  it('marks API answers no-store, errors and unknown routes included', async () => {
    for (const [path, status] of [
      ['/api/v1/workflows', 200],
      ['/api/v1/nothing-here', 404],
      ['/api/v1/openapi.json', 200],
      ['/healthz', 200],
    ] as const) {
      const response = await api.app.request(path, { headers: { authorization: `Bearer ${api.keys.admin}` } });
      expect(response.status).toBe(status);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    const refused = await api.call('POST', '/api/v1/workflows', '{"name": ');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const anonymous = await api.call('GET', '/api/v1/workflows', undefined, { as: 'anonymous' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
  });
});

describe('node types', () => {
  it('lists the whole catalogue with JSON Schemas for the config forms', async () => {
    const answer = await api.call('GET', '/api/v1/node-types');
    expect(answer.status).toBe(200);
    const types = answer.body.items.map((item: { type: string }) => item.type);
    expect(types).toEqual(catalogue.map((definition) => definition.type));
    const http = answer.body.items.find((item: { type: string }) => item.type === 'action.http');
    expect(http.configSchema.properties.method.default).toBe('GET');
    expect(http.configSchema.required).toEqual(['url']);
    expect(http.retry.maxAttempts).toBeGreaterThan(1);
    const ifNode = answer.body.items.find((item: { type: string }) => item.type === 'condition.if');
    expect(ifNode.outputs).toEqual(['true', 'false']);
    const switchNode = answer.body.items.find((item: { type: string }) => item.type === 'condition.switch');
    expect(switchNode.outputsFrom).toEqual({ list: 'cases', field: 'port' });
    expect(switchNode.outputs).toEqual(['default']);
    const merge = answer.body.items.find((item: { type: string }) => item.type === 'flow.merge');
    expect(merge.acceptsManyInputs).toBe(true);
  });

  it('serves what the editor draws a node by: icon, accent, docs, version and affordances', async () => {
    const answer = await api.call('GET', '/api/v1/node-types');
    const webhook = answer.body.items.find((item: { type: string }) => item.type === 'trigger.webhook');
    expect(webhook).toMatchObject({ icon: { name: 'webhook' }, accent: '#6d28d9', version: 1 });
    expect(webhook.affordances).toEqual(['webhook-url']);
    expect(webhook.docs).toContain('X-Stepwise-Signature');
    const http = answer.body.items.find((item: { type: string }) => item.type === 'action.http');
    expect(http).toMatchObject({ icon: { name: 'globe' }, accent: '#047857', affordances: [] });
    expect(http.outputsFrom).toBeUndefined();
  });
});

describe('OpenAPI document', () => {
  it('documents every route with its parameters, body and answers', async () => {
    const answer = await api.call('GET', '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    const document = answer.body;
    expect(document.openapi).toBe('3.1.0');
    for (const route of apiRoutes) {
      const path = `/api/v1${route.path}`.replace(/:(\w+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method];
      expect(operation, `${route.method} ${path}`).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      if (route.body) expect(operation.requestBody.content['application/json'].schema).toBeDefined();
    }
    const saveDraft = document.paths['/api/v1/workflows/{id}/draft'].put;
    expect(saveDraft.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    const list = document.paths['/api/v1/workflows'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['q', 'archived', 'limit', 'cursor']);
  });

  it('resolves every $ref inside the document', async () => {
    const document = (await api.call('GET', '/api/v1/openapi.json')).body;
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(document.components.schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = apiRoutes.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
