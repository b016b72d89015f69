import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../testing/api.ts';
import { postgresLogin } from '../testing/postgres-login.ts';
import { type WorkerBackedApi, workerBackedApi } from '../testing/worker-api.ts';

/*
 * "Test connection" for a PostgreSQL credential, end to end: the admin asks the API, which asks a
 * worker (no URL: the credential names its server), which logs in to a real PostgreSQL and runs a
 * query; the answer comes back over the event bus. The password is never in what the API answers.
 */

let backed: WorkerBackedApi;
let api: TestApi;
let login: Awaited<ReturnType<typeof postgresLogin>>;

beforeAll(async () => {
  backed = await workerBackedApi();
  ({ api } = backed);
  login = await postgresLogin();
});
afterAll(async () => {
  await backed?.close();
  await login?.drop();
});

async function credential(name: string, secret: object) {
  const created = await api.call('POST', '/api/v1/credentials', { name, type: 'postgres', secret });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

describe('testing a PostgreSQL credential', () => {
  it('is offered without a URL: the credential names its server', async () => {
    const types = await api.call('GET', '/api/v1/credential-types');
    expect(types.body.items).toContainEqual(
      expect.objectContaining({ type: 'postgres', title: 'PostgreSQL database', testable: true, testNeedsUrl: false }),
    );
  });

  it('logs in from a worker and says where and as whom', async () => {
    const id = await credential('Warehouse DB', login.secret);
    const answer = await api.call('POST', `/api/v1/credentials/${id}/test`, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ok: true,
      message: expect.stringMatching(
        new RegExp(
          `^Connected to ${login.secret.database} at ${login.secret.host}:${login.secret.port} as ${login.secret.user} \\(PostgreSQL \\d+`,
        ),
      ),
    });
    const listed = await api.call('GET', '/api/v1/credentials');
    expect(JSON.stringify([answer.body, listed.body])).not.toContain(login.secret.password);
  });

  it('reports the server’s refusal of a wrong password', async () => {
    const id = await credential('Warehouse DB, old password', { ...login.secret, password: 'an-old-password' });
    const answer = await api.call('POST', `/api/v1/credentials/${id}/test`, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: false,
      message: expect.stringContaining(
        `PostgreSQL error 28P01: password authentication failed for user "${login.secret.user}" (the user name or password is wrong)`,
      ),
    });
  });

  it('refuses a secret that is not a PostgreSQL login, naming the field', async () => {
    const created = await api.call('POST', '/api/v1/credentials', {
      name: 'Half a login',
      type: 'postgres',
      secret: { host: 'db.example.com', database: 'orders', password: 'x', ssl: 'sometimes' },
    });
    expect(created.status).toBe(400);
    const fields = (created.body.error.details as { field: string }[]).map((detail) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['secret.user', 'secret.ssl']));
  });
});
