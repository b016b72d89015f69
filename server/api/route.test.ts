import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { masterKeyFrom } from '../security/master-key.ts';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { tempStore } from '../testing/store.ts';
import { ApiError, errorResponse } from './errors.ts';
import { defineRoute, mountRoutes } from './route.ts';

const store = tempStore();
afterAll(() => store.cleanup());

function appWith(route: ReturnType<typeof defineRoute>, checkResponses: boolean, apiBodyLimit = 1024) {
  const app = new Hono();
  mountRoutes(app, '/api', [route], {
    repos: sqliteRepositories(store),
    log: pino({ level: 'silent' }),
    config: {
      apiBodyLimit,
      webhookBodyLimit: 1024,
      webhookRateLimit: 1000,
      sessionTtlHours: 1,
      cookieSecure: 'auto',
    },
    masterKey: masterKeyFrom(randomBytes(32)),
    checkResponses,
  });
  app.onError((error, c) =>
    errorResponse(c, error instanceof ApiError ? error : new ApiError(500, 'internal', error.message)),
  );
  return app;
}

const echo = defineRoute({
  method: 'post',
  path: '/echo/:n',
  operationId: 'echo',
  summary: 'echo',
  tag: 'test',
  access: 'public',
  params: z.object({ n: z.coerce.number().int() }),
  query: z.object({ times: z.coerce.number().int().default(1) }),
  body: z.strictObject({ word: z.string() }),
  responses: { 200: { description: 'ok', schema: z.object({ words: z.array(z.string()) }) } },
  handler: ({ params, query, body, c }) => c.json({ words: Array(params.n * query.times).fill(body.word) }),
});

describe('mountRoutes', () => {
  it('hands the handler parsed path, query and body', async () => {
    const response = await appWith(echo, true).request('/api/echo/2?times=2', {
      method: 'POST',
      body: JSON.stringify({ word: 'hi' }),
    });
    expect(await response.json()).toEqual({ words: ['hi', 'hi', 'hi', 'hi'] });
  });

  it('names where validation failed: path, query or body', async () => {
    const app = appWith(echo, false);
    const path = await app.request('/api/echo/x', { method: 'POST', body: '{"word":"a"}' });
    expect((await path.json()).error.message).toMatch(/^invalid path: n:/);
    const query = await app.request('/api/echo/1?times=x', { method: 'POST', body: '{"word":"a"}' });
    expect((await query.json()).error.message).toMatch(/^invalid query: times:/);
    const body = await app.request('/api/echo/1', { method: 'POST', body: '{"word":1}' });
    expect((await body.json()).error.message).toMatch(/^invalid body: word:/);
    const empty = await app.request('/api/echo/1', { method: 'POST' });
    expect(empty.status).toBe(400);
  });

  it('refuses a body over the limit with 413, with or without a content-length', async () => {
    const app = appWith(echo, false);
    const big = JSON.stringify({ word: 'x'.repeat(4096) });
    const declared = await app.request('/api/echo/1', {
      method: 'POST',
      headers: { 'content-length': String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    const streamed = await app.request('/api/echo/1', {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('refuses JSON nested 10,000 deep with 400 before parsing or validating it', async () => {
    const app = appWith(echo, false, 1024 * 1024);
    for (const body of [
      '['.repeat(10_000) + ']'.repeat(10_000),
      `{"word":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    ]) {
      const response = await app.request('/api/echo/1', { method: 'POST', body });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({
        code: 'invalid_json',
        message: 'request body nests deeper than 256 levels',
      });
    }
    // Brackets inside strings are text, however many.
    const text = await app.request('/api/echo/1', {
      method: 'POST',
      body: JSON.stringify({ word: '['.repeat(10_000) }),
    });
    expect(text.status).toBe(200);
  });

  it('catches an answer that does not match its documented schema when checking is on', async () => {
    const liar = defineRoute({ ...echo, handler: ({ c }) => c.json({ words: 'not a list' }) });
    expect((await appWith(liar, false).request('/api/echo/1', { method: 'POST', body: '{"word":"a"}' })).status).toBe(
      200,
    );
    const checked = await appWith(liar, true).request('/api/echo/1', { method: 'POST', body: '{"word":"a"}' });
    expect(checked.status).toBe(500);
    expect((await checked.json()).error.message).toMatch(/echo answered 200 off its schema/);
  });
});
