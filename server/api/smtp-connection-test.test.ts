import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../testing/api.ts';
import { testSmtpServer } from '../testing/smtp.ts';
import { type WorkerBackedApi, workerBackedApi } from '../testing/worker-api.ts';

/*
 * "Test connection" of an smtp credential, end to end: the API asks a worker (it makes no outbound
 * call itself), the worker signs in to a real SMTP server on 127.0.0.1 and quits, and the answer
 * comes back over the event bus. No URL is asked for: the credential names its server.
 */

const PASSWORD = 'smtp-connection-test-6b5a4c3d';
let backed: WorkerBackedApi;
let api: TestApi;
let mail: Awaited<ReturnType<typeof testSmtpServer>>;

beforeAll(async () => {
  backed = await workerBackedApi();
  ({ api } = backed);
  // Quotes the password it was given when refusing it: the answer must not carry it back.
  mail = await testSmtpServer({
    security: 'starttls',
    user: { name: 'bob', password: PASSWORD },
    refusal: (user, password) => `Authentication failed for ${user}:${password}`,
  });
});
afterAll(async () => {
  await mail?.close();
  await backed?.close();
});

async function smtpCredential(name: string, secret: Record<string, unknown>) {
  const created = await api.call('POST', '/api/v1/credentials', { name, type: 'smtp', secret });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const test = (id: string, body: Record<string, unknown> = {}) =>
  api.call('POST', `/api/v1/credentials/${id}/test`, body);

describe('testing an smtp credential’s connection', () => {
  it('is offered without a URL', async () => {
    const types = await api.call('GET', '/api/v1/credential-types');
    expect(types.body.items.find((type: { type: string }) => type.type === 'smtp')).toMatchObject({
      testable: true,
      testNeedsUrl: false,
    });
  });

  it('signs in from a worker and says so, sending no email', async () => {
    const id = await smtpCredential('Mail ok', {
      host: mail.host,
      port: mail.port,
      username: 'bob',
      password: PASSWORD,
      allowSelfSigned: true,
    });
    const answer = await test(id);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true, message: `Signed in to 127.0.0.1:${mail.port} as bob (STARTTLS)` });
    expect(mail.logins.at(-1)).toEqual({ user: 'bob', password: PASSWORD, method: expect.any(String) });
    expect(mail.received).toHaveLength(0);
    const audit = await api.call('GET', '/api/v1/audit?action=credential.tested');
    expect(audit.body.items[0]).toMatchObject({ objectId: id, details: { url: null, ok: true } });
  });

  it('reports a refused password in plain words, with the password masked out of the server’s', async () => {
    const wrong = 'smtp-wrong-password-1f2e3d';
    const id = await smtpCredential('Mail wrong', {
      host: mail.host,
      port: mail.port,
      username: 'bob',
      password: wrong,
      allowSelfSigned: true,
    });
    const answer = await test(id);
    expect(answer.body).toEqual({
      ok: false,
      message: 'The server refused the user name or password: 535 Authentication failed for bob:••••••',
    });
    expect(mail.logins.at(-1)?.password).toBe(wrong);
  });

  it('reports an untrusted certificate, and what to do about it', async () => {
    const id = await smtpCredential('Mail strict', {
      host: mail.host,
      port: mail.port,
      username: 'bob',
      password: PASSWORD,
    });
    const answer = await test(id);
    expect(answer.body).toEqual({
      ok: false,
      message: `127.0.0.1:${mail.port}: a secure connection failed: its certificate is self-signed. If it is your own server with a self-signed certificate, turn on "Accept an untrusted certificate" in the credential`,
    });
  });
});
