import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { EventHub } from '../engine/event-hub.ts';
import { createRunService } from '../runs/service.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { edge, node, testEngine, testHttpServer } from '../testing/engine.ts';

/*
 * The attack of issue 13: an analyst may pick any credential (to use it), so they point an HTTP
 * node with it at a server they own, or at an unsigned webhook of Stepwise itself, and read the
 * secret from what arrives. A credential goes only to its allowed targets.
 */

const SECRET = 'key-allow-list-0123456789';
let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
let stepwise: { url: string; close(): Promise<void> };
let partner: Awaited<ReturnType<typeof testHttpServer>>;
let attacker: Awaited<ReturnType<typeof testHttpServer>>;
let credentialId: string;

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, events), masterKey: engine.masterKey });
  const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  stepwise = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  attacker = await testHttpServer();
  partner = await testHttpServer((request, response) => {
    if (request.url.startsWith('/api/bounce')) response.writeHead(302, { location: '/admin/steal' }).end();
    else if (request.url.startsWith('/api/away')) response.writeHead(302, { location: `${attacker.url}/catch` }).end();
    else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  const created = await api.call('POST', '/api/v1/credentials', {
    name: 'Partner key',
    type: 'header',
    secret: { header: 'X-Api-Key', value: SECRET },
    allowedTargets: [`${partner.url}/api/`],
  });
  expect(created.status).toBe(201);
  expect(created.body.allowedTargets).toEqual([`${partner.url}/api`]);
  credentialId = created.body.id;
});
afterAll(async () => {
  await stepwise?.close();
  await partner?.close();
  await attacker?.close();
  await events?.close();
  await engine?.close();
});

/**
 *   Start ──▶ Call (http: url, the partner's credential)
 */
const calling = (url: string, credential = credentialId): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { url, credentialId: credential }),
  ],
  edges: [edge('start', 'call')],
});

/** The analyst saves a workflow calling `url` with the credential and test-runs its draft. */
async function analystTestRun(url: string, credential = credentialId) {
  const created = await api.call(
    'POST',
    '/api/v1/workflows',
    { name: 'Probe', graph: calling(url, credential) },
    { as: 'analyst' },
  );
  expect(created.status).toBe(201);
  const started = await api.call(
    'POST',
    `/api/v1/workflows/${created.body.id}/runs`,
    { draft: true },
    { as: 'analyst' },
  );
  expect(started.status).toBe(201);
  return engine.finished(started.body.executionId);
}

const receivedSecret = (server: { requests: ReadonlyArray<unknown> }) =>
  JSON.stringify(server.requests).includes(SECRET);

describe('a credential’s allowed targets', () => {
  it('let the credential reach its target, under the path prefix', async () => {
    const { execution } = await analystTestRun(`${partner.url}/api/orders?page=2`);
    expect(execution.status).toBe('succeeded');
    expect(partner.requests.at(-1)?.headers['x-api-key']).toBe(SECRET);
  });

  it('refuse an analyst’s run that points the credential at their own server: nothing is sent', async () => {
    const { execution, steps } = await analystTestRun(`${attacker.url}/steal`);
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1); // not retried
    expect(JSON.stringify(execution.error)).toContain(
      `credential \\"Partner key\\" may not be sent to ${attacker.url}/steal: it may go only to ${partner.url}/api`,
    );
    expect(attacker.requests).toHaveLength(0);
  });

  it('refuse pointing it at an unsigned webhook of Stepwise itself: no run receives it', async () => {
    const hooked: Graph = {
      nodes: [node('hook', 'trigger.webhook', 'Hook', { path: 'inbox' })],
      edges: [],
    };
    const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Inbox', graph: hooked })).body;
    await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true });
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
    expect((await api.call('POST', `/api/v1/workflows/${id}/activate`)).status).toBe(200);
    // The webhook answers an unsigned request (so it would have caught the secret).
    const probe = await fetch(`${stepwise.url}/hooks/${id}/inbox`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(probe.status).toBeLessThan(300);

    const { execution } = await analystTestRun(`${stepwise.url}/hooks/${id}/inbox`);
    expect(execution.status).toBe('failed');
    expect(JSON.stringify(execution.error)).toContain('may not be sent to');
    const runs = await engine.repos.executions.list({ workflowId: id, limit: 100 });
    expect(runs).toHaveLength(1); // the probe only
    for (const run of runs) expect(JSON.stringify(await engine.repos.executions.get(run.id))).not.toContain(SECRET);
  });

  it('fail the step when a same-origin redirect leaves the path prefix, and drop it on a redirect elsewhere', async () => {
    const bounced = await analystTestRun(`${partner.url}/api/bounce`);
    expect(bounced.execution.status).toBe('failed');
    expect(JSON.stringify(bounced.execution.error)).toContain(`may not be sent to ${partner.url}/admin/steal`);
    expect(partner.requests.some((request) => request.url === '/admin/steal')).toBe(false);

    const away = await analystTestRun(`${partner.url}/api/away`);
    expect(away.execution.status).toBe('succeeded');
    expect(attacker.requests.at(-1)?.url).toBe('/catch');
    expect(receivedSecret(attacker)).toBe(false);
  });

  it('send a credential with no allowed targets nowhere, saying an admin must list them', async () => {
    const bare = await api.call('POST', '/api/v1/credentials', {
      name: 'Unplaced',
      type: 'bearer',
      secret: { token: 'tok-unplaced-0123456789' },
    });
    expect(bare.body.allowedTargets).toEqual([]);
    const { execution } = await analystTestRun(`${partner.url}/api/orders`, bare.body.id);
    expect(execution.status).toBe('failed');
    expect(JSON.stringify(execution.error)).toContain(
      'may not be sent anywhere: an admin has not listed its allowed targets',
    );
  });

  it('are set and changed by admins only, validated and normalized, naming the field', async () => {
    const bad = await api.call('POST', '/api/v1/credentials', {
      name: 'x',
      type: 'bearer',
      secret: { token: 'abc' },
      allowedTargets: ['https://ok.test', 'ftp://files.test'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('allowedTargets.1');
    expect(bad.body.error.message).toContain('must be http:// or https://');
    const path = `/api/v1/credentials/${credentialId}`;
    expect((await api.call('PATCH', path, { allowedTargets: [attacker.url] }, { as: 'analyst' })).status).toBe(403);
    const patched = await api.call('PATCH', path, { allowedTargets: ['HTTPS://Partner.Example:443/v2/'] });
    expect(patched.status).toBe(200);
    expect(patched.body.allowedTargets).toEqual(['https://partner.example/v2']);
    expect((await api.call('PATCH', path, { allowedTargets: ['not a url'] })).body.error.message).toContain(
      'allowedTargets.0',
    );
    const audit = await api.call('GET', '/api/v1/audit?action=credential.updated');
    expect(JSON.stringify(audit.body)).toContain('https://partner.example/v2');
    // Back as it was, for the other tests.
    await api.call('PATCH', path, { allowedTargets: [`${partner.url}/api`] });
  });
});

describe('a credential’s use limits', () => {
  it('refuse saving or running a graph with it for a user outside them, naming node and field', async () => {
    const limited = await api.call('POST', '/api/v1/credentials', {
      name: 'Payroll key',
      type: 'header',
      secret: { header: 'X-Api-Key', value: 'key-payroll-0123456789' },
      allowedTargets: [`${partner.url}/api`],
      useRoles: ['operator'],
    });
    expect(limited.status).toBe(201);
    expect(limited.body).toMatchObject({ useRoles: ['operator'], useUserIds: [] });
    const graph = calling(`${partner.url}/api/pay`, limited.body.id);
    const refused = (answer: { status: number; body: { error: { code: string; message: string } } }) => {
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('credential_not_allowed');
      expect(answer.body.error.message).toBe(
        'node "Call" (config.credentialId) uses credential "Payroll key", which you may not use: an admin limits it to admins, role operator',
      );
    };
    refused(await api.call('POST', '/api/v1/workflows', { name: 'Pay', graph }, { as: 'analyst' }));
    // The admin makes the workflow; the analyst can neither save its draft, nor a version, nor test-run it.
    const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Pay', graph })).body;
    refused(await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph }, { as: 'analyst' }));
    refused(await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true }, { as: 'analyst' }));
    refused(await api.call('POST', `/api/v1/workflows/${id}/runs`, { draft: true }, { as: 'analyst' }));
    const exported = await api.call('GET', `/api/v1/workflows/${id}/export`);
    expect(exported.status).toBe(200);
    refused(await api.call('POST', '/api/v1/workflows/import', exported.body, { as: 'analyst' }));
    // Admins always may.
    const byAdmin = await api.call('POST', `/api/v1/workflows/${id}/runs`, { draft: true });
    expect(byAdmin.status).toBe(201);
    expect((await engine.finished(byAdmin.body.executionId)).execution.status).toBe('succeeded');

    // Listed by name, the analyst may.
    const listed = await api.call('PATCH', `/api/v1/credentials/${limited.body.id}`, {
      useUserIds: [api.users.analyst.id],
    });
    expect(listed.status).toBe(200);
    expect((await api.call('PUT', `/api/v1/workflows/${id}/draft`, { graph }, { as: 'analyst' })).status).toBe(200);
    const unknown = await api.call('PATCH', `/api/v1/credentials/${limited.body.id}`, {
      useUserIds: [crypto.randomUUID()],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('useUserIds.0');
    expect(
      (await api.call('PATCH', `/api/v1/credentials/${limited.body.id}`, { useRoles: ['boss'] })).body.error.message,
    ).toContain('useRoles.0');
  });

  it('are checked again when a step runs: a webhook run of a version its author may no longer use fails', async () => {
    const credential = await api.call('POST', '/api/v1/credentials', {
      name: 'Shipping key',
      type: 'bearer',
      secret: { token: 'tok-shipping-0123456789' },
      allowedTargets: [`${partner.url}/api`],
    });
    /**
     *   Hook (webhook ship) ──▶ Call (http with the shipping key)
     */
    const graph: Graph = {
      nodes: [
        node('hook', 'trigger.webhook', 'Hook', { path: 'ship' }),
        node('call', 'action.http', 'Call', { url: `${partner.url}/api/ship`, credentialId: credential.body.id }),
      ],
      edges: [edge('hook', 'call')],
    };
    // The analyst writes and saves the version while the credential has no limits; an admin publishes it.
    const { id } = (await api.call('POST', '/api/v1/workflows', { name: 'Ship', graph }, { as: 'analyst' })).body;
    expect(
      (await api.call('POST', `/api/v1/workflows/${id}/versions`, { fromDraft: true }, { as: 'analyst' })).status,
    ).toBe(201);
    await api.call('POST', `/api/v1/workflows/${id}/publish`, { version: 1 });
    expect((await api.call('POST', `/api/v1/workflows/${id}/activate`)).status).toBe(200);
    const deliver = async () => {
      const answer = await fetch(`${stepwise.url}/hooks/${id}/ship`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBeLessThan(300);
      const [run] = await engine.repos.executions.list({ workflowId: id, limit: 1 });
      return engine.finished(run?.id ?? '');
    };
    expect((await deliver()).execution.status).toBe('succeeded');

    // Now an admin keeps the credential to operators: the analyst's version may no longer use it.
    await api.call('PATCH', `/api/v1/credentials/${credential.body.id}`, { useRoles: ['operator'] });
    const sentBefore = partner.requests.length;
    const { execution, steps } = await deliver();
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1);
    expect(JSON.stringify(execution.error)).toContain(
      'credential \\"Shipping key\\" may not be used by this run\'s user (analyst): an admin limits it to admins, role operator',
    );
    expect(partner.requests.length).toBe(sentBefore);
  });
});
