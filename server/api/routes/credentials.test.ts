import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../../testing/api.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

describe('credentials API', () => {
  it('stores a secret and never sends it back', async () => {
    const created = await api.call('POST', '/api/v1/credentials', {
      name: 'CRM token',
      type: 'bearer',
      secret: { token: 'tok-super-secret-value' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'CRM token', type: 'bearer' });
    const listed = await api.call('GET', '/api/v1/credentials');
    expect(listed.body.items).toHaveLength(1);
    for (const answer of [created, listed]) expect(JSON.stringify(answer.body)).not.toContain('tok-super-secret-value');
  });

  it('checks each type’s secret and refuses unknown types', async () => {
    const short = await api.call('POST', '/api/v1/credentials', {
      name: 'x',
      type: 'hmac',
      secret: { secret: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('secret.secret');
    const unknown = await api.call('POST', '/api/v1/credentials', { name: 'x', type: 'ssh', secret: {} });
    expect(unknown.status).toBe(400);
    const wrongShape = await api.call('POST', '/api/v1/credentials', {
      name: 'x',
      type: 'basic',
      secret: { token: 'a' },
    });
    expect(wrongShape.status).toBe(400);
  });

  it('refuses header text that could never be sent (CR, LF) and header names that are not tokens', async () => {
    for (const [secret, field] of [
      [{ header: 'X-Key', value: 'abc\r\nX-Injected: 1' }, 'secret.value'],
      [{ header: 'X Key', value: 'abc' }, 'secret.header'],
    ] as const) {
      const answer = await api.call('POST', '/api/v1/credentials', { name: 'x', type: 'header', secret });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain(field);
    }
    const bearer = await api.call('POST', '/api/v1/credentials', {
      name: 'x',
      type: 'bearer',
      secret: { token: 'abc\ndef' },
    });
    expect(bearer.status).toBe(400);
    expect(bearer.body.error.message).toContain('line break');
  });

  it('offers editors the names and types to pick from, never a secret', async () => {
    await api.call('POST', '/api/v1/credentials', {
      name: 'Zendesk',
      type: 'bearer',
      secret: { token: 'tok-zendesk' },
    });
    await api.call('POST', '/api/v1/credentials', {
      name: 'Orders hook',
      type: 'hmac',
      secret: { secret: 'x'.repeat(32) },
    });
    const choices = await api.call('GET', '/api/v1/credential-choices', undefined, { as: 'analyst' });
    expect(choices.status).toBe(200);
    expect(choices.body.items).toEqual([
      { id: expect.any(String), name: 'Orders hook', type: 'hmac' },
      { id: expect.any(String), name: 'Zendesk', type: 'bearer' },
    ]);
    expect(JSON.stringify(choices.body)).not.toMatch(/tok-zendesk|xxxx/);
    // The full listing stays with admins; viewers who cannot edit get neither.
    expect((await api.call('GET', '/api/v1/credentials', undefined, { as: 'analyst' })).status).toBe(403);
    expect((await api.call('GET', '/api/v1/credential-choices', undefined, { as: 'operator' })).status).toBe(403);
  });

  it('serves the credential catalogue to anyone signed in: titles, secret schemas with secret fields write-only', async () => {
    const answer = await api.call('GET', '/api/v1/credential-types', undefined, { as: 'operator' });
    expect(answer.status).toBe(200);
    const byType = Object.fromEntries(answer.body.items.map((item: { type: string }) => [item.type, item]));
    expect(Object.keys(byType)).toEqual(expect.arrayContaining(['bearer', 'basic', 'header', 'query', 'hmac']));
    expect(byType.basic).toMatchObject({
      title: 'Basic auth',
      testable: true,
      secretSchema: {
        type: 'object',
        properties: {
          username: { type: 'string', title: 'Username' },
          password: { type: 'string', title: 'Password', writeOnly: true },
        },
        required: ['username', 'password'],
      },
    });
    expect(byType.basic.secretSchema.properties.username.writeOnly).toBeUndefined();
    expect(byType.query).toMatchObject({ title: 'API key in query string', testable: true });
    expect(byType.hmac).toMatchObject({ testable: false });
    expect((await api.call('GET', '/api/v1/credential-types', undefined, { as: 'anonymous' })).status).toBe(401);
  });

  it('checks an API key in the query string against its type too, naming the field', async () => {
    const answer = await api.call('POST', '/api/v1/credentials', {
      name: 'Weather',
      type: 'query',
      secret: { name: ' ', key: 'k-123' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('secret.name');
    const stored = await api.call('POST', '/api/v1/credentials', {
      name: 'Weather',
      type: 'query',
      secret: { name: 'appid', key: 'k-123' },
    });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ type: 'query' });
  });

  it('tests a connection only where an engine runs (the API never calls out itself)', async () => {
    const { id } = (
      await api.call('POST', '/api/v1/credentials', { name: 'T', type: 'bearer', secret: { token: 'tok-1234' } })
    ).body;
    const answer = await api.call('POST', `/api/v1/credentials/${id}/test`, { url: 'https://api.example.com' });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('engine_unavailable');
  });

  it('deletes', async () => {
    const { id } = (
      await api.call('POST', '/api/v1/credentials', {
        name: 'H',
        type: 'header',
        secret: { header: 'X-Key', value: 'v' },
      })
    ).body;
    expect((await api.call('DELETE', `/api/v1/credentials/${id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/api/v1/credentials/${id}`)).status).toBe(404);
  });
});
