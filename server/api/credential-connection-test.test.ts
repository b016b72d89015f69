import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionTester } from '../engine/credential-test-requests.ts';
import { EventHub } from '../engine/event-hub.ts';
import { CREDENTIAL_TEST_TASK } from '../engine/queue.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { testEngine, testHttpServer, waitUntil } from '../testing/engine.ts';
import { type WorkerBackedApi, workerBackedApi } from '../testing/worker-api.ts';

/*
 * "Test connection": the API asks a worker (it makes no outbound call itself), the worker sends the
 * credential with a GET to the URL the admin gave, and the answer's status comes back over the
 * event bus. A real worker, a real PostgreSQL and a real server on 127.0.0.1.
 */

const TOKEN = 'tok-connection-test-5f4e3d2c';
let backed: WorkerBackedApi;
let api: TestApi;
let partner: Awaited<ReturnType<typeof testHttpServer>>;

beforeAll(async () => {
  backed = await workerBackedApi();
  ({ api } = backed);
  // Answers 200 to the right token only, and echoes what it got (the answer must not carry it back).
  partner = await testHttpServer((request, response) => {
    const status = request.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(request.headers));
  });
});
afterAll(async () => {
  await partner?.close();
  await backed?.close();
});

async function credential(type: string, secret: Record<string, string>, allowedTargets = [`${partner.url}/api`]) {
  const created = await api.call('POST', '/api/v1/credentials', {
    name: `${type} credential`,
    type,
    secret,
    allowedTargets,
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const test = (id: string, url: string) => api.call('POST', `/api/v1/credentials/${id}/test`, { url });

describe('testing a credential’s connection', () => {
  it('sends the credential from a worker and reports the answer’s status, never the secret', async () => {
    const id = await credential('bearer', { token: TOKEN });
    const answer = await test(id, `${partner.url}/api/me?verbose=1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true, status: 200, message: `GET ${partner.url}/api/me answered 200` });
    expect(partner.requests.at(-1)).toMatchObject({ method: 'GET', url: '/api/me?verbose=1' });
    expect(partner.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
    const audit = await api.call('GET', '/api/v1/audit?action=credential.tested');
    expect(audit.body.items[0]).toMatchObject({
      objectId: id,
      details: { url: `${partner.url}/api/me`, ok: true, status: 200 },
    });
  });

  it('reports a refused credential as not ok, with the status', async () => {
    const id = await credential('bearer', { token: 'tok-wrong-00000000' });
    const answer = await test(id, `${partner.url}/api/me`);
    expect(answer.body).toEqual({
      ok: false,
      status: 401,
      message: `GET ${partner.url}/api/me answered 401: the credential was refused`,
    });
  });

  it('keeps to the credential’s allowed targets: elsewhere nothing is sent, and the answer says why', async () => {
    const id = await credential('header', { header: 'X-Api-Key', value: 'key-connection-test' });
    const before = partner.requests.length;
    const answer = await test(id, `${partner.url}/admin`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: false,
      message: `credential "header credential" may not be sent to ${partner.url}/admin: it may go only to ${partner.url}/api`,
    });
    expect(partner.requests.length).toBe(before);
  });

  it('tests an API key in the query string the same way', async () => {
    const id = await credential('query', { name: 'api_key', key: 'qk-connection-test' });
    const answer = await test(id, `${partner.url}/api/ping`);
    expect(answer.body).toMatchObject({ ok: false, status: 401 });
    expect(partner.requests.at(-1)?.url).toBe('/api/ping?api_key=qk-connection-test');
  });

  it('refuses types that are never sent, a URL that is not http(s), and unknown credentials', async () => {
    const hmac = await credential('hmac', { secret: 'a shared secret of 32 characters' });
    const refused = await test(hmac, `${partner.url}/api`);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'not_testable' });
    const bearer = await credential('bearer', { token: TOKEN });
    const badUrl = await test(bearer, 'ftp://files.example.com');
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.details).toEqual([expect.objectContaining({ field: 'url' })]);
    expect((await test('00000000-0000-4000-8000-000000000000', `${partner.url}/api`)).status).toBe(404);
  });

  it('answers 504 when no worker answers in time, and a worker that comes later sends nothing', async () => {
    // A queue no worker serves yet, on a database of its own.
    const idle = await testEngine();
    const idleEvents = new EventHub(idle.databaseUrl, idle.log);
    await idleEvents.start();
    try {
      const idleApi = testApi({
        store: idle.store,
        masterKey: idle.masterKey,
        connectionTests: connectionTester(idle.pgPool, idleEvents, 300),
      });
      const created = await idleApi.call('POST', '/api/v1/credentials', {
        name: 'Late',
        type: 'bearer',
        secret: { token: TOKEN },
        allowedTargets: [partner.url],
      });
      const before = partner.requests.length;
      const answer = await idleApi.call('POST', `/api/v1/credentials/${created.body.id}/test`, {
        url: `${partner.url}/api/late`,
      });
      expect(answer.status).toBe(504);
      expect(answer.body.error).toMatchObject({ code: 'test_timed_out' });

      await idle.startWorker();
      const jobs = async () =>
        (
          await idle.pgPool.query('select count(*)::int as n from graphile_worker.jobs where task_identifier = $1', [
            CREDENTIAL_TEST_TASK,
          ])
        ).rows[0].n as number;
      await waitUntil('the worker has taken the expired test', async () => (await jobs()) === 0);
      expect(partner.requests.length).toBe(before);
    } finally {
      await idleEvents.close();
      await idle.close();
    }
  });
});
