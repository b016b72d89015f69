import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../define.ts';
import { NonRetryableError, RetryAfterError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import httpNode, { errorFor, retryAfterMs } from './http.node.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

// A real server on a free port: /echo answers JSON, /text plain text, /bad-json a broken JSON body,
// /status/<code> that status (429 with Retry-After: 7).
let server: Server;
let origin: string;
let received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const status = /^\/status\/(\d{3})$/.exec(path)?.[1];
      if (path === '/echo') {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-server': 'test' });
        response.end(JSON.stringify({ ok: true, method: request.method }));
      } else if (path === '/text') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('{"looks":"like json"}');
      } else if (path === '/bad-json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('not json');
      } else if (status) {
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        if (status === '429') headers['retry-after'] = '7';
        response.writeHead(Number(status), headers);
        response.end(`answer ${status}`);
      } else {
        response.writeHead(500);
        response.end('unexpected path');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
});

const run = (config: Record<string, unknown>) =>
  httpNode.execute({ config: httpNode.config.parse(config), input: {}, ctx: testContext() });

const onlyRequest = (): Received => {
  expect(received).toHaveLength(1);
  return received[0] as Received;
};

describe('http node config', () => {
  it('fills GET, no headers or query, a 30 s timeout and failing on non-2xx', () => {
    expect(httpNode.config.parse({ url: 'https://example.com' })).toEqual({
      url: 'https://example.com',
      method: 'GET',
      headers: {},
      query: {},
      timeoutMs: 30_000,
      failOnNon2xx: true,
    });
  });

  it('accepts http(s) URLs and templates, refuses other URLs at url', () => {
    expect(issuePaths(httpNode.config, { url: 'http://localhost:8080/x' })).toEqual([]);
    expect(issuePaths(httpNode.config, { url: '{{ input.url }}' })).toEqual([]);
    expect(issuePaths(httpNode.config, { url: 'https://api.example.com/orders/{{ input.id }}' })).toEqual([]);
    expect(issuePaths(httpNode.config, { url: 'ftp://x' })).toEqual([['url']]);
    expect(issuePaths(httpNode.config, { url: 'example.com' })).toEqual([['url']]);
    expect(issuePaths(httpNode.config, { url: '{{ input.url' })).toEqual([['url']]);
  });

  it('refuses bad header names, unknown methods and timeouts out of range', () => {
    expect(issuePaths(httpNode.config, { url: 'https://x.io', headers: { 'bad header': 'x' } })[0]?.[0]).toBe(
      'headers',
    );
    expect(issuePaths(httpNode.config, { url: 'https://x.io', headers: { 'X-Ok': 'x' } })).toEqual([]);
    expect(issuePaths(httpNode.config, { url: 'https://x.io', method: 'TRACE' })).toEqual([['method']]);
    expect(issuePaths(httpNode.config, { url: 'https://x.io', timeoutMs: 99 })).toEqual([['timeoutMs']]);
    expect(issuePaths(httpNode.config, { url: 'https://x.io', timeoutMs: 300_001 })).toEqual([['timeoutMs']]);
  });

  it('retries up to four attempts', () => {
    expect(httpNode.retry.maxAttempts).toBe(4);
  });
});

describe('http node execute', () => {
  it('sends method, query, headers, a JSON body and an idempotency key', async () => {
    const result = await run({
      method: 'POST',
      url: `${origin}/echo?existing=1`,
      query: { page: '2', q: 'a b&c' },
      headers: { 'X-Api-Key': 'secret' },
      body: { name: 'Ada', tags: ['x'], nested: { n: 1 } },
    });
    const request = onlyRequest();
    expect(request.method).toBe('POST');
    const url = new URL(request.url, origin);
    expect(url.pathname).toBe('/echo');
    expect([...url.searchParams]).toEqual([
      ['existing', '1'],
      ['page', '2'],
      ['q', 'a b&c'],
    ]);
    expect(request.headers['x-api-key']).toBe('secret');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe('exec-1:node-1');
    expect(JSON.parse(request.body)).toEqual({ name: 'Ada', tags: ['x'], nested: { n: 1 } });

    expect(result.port).toBeUndefined();
    expect(result.output).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-server': 'test' },
      body: { ok: true, method: 'POST' },
    });
  });

  it('sends the idempotency key the engine gives its step (chain, node and scope)', async () => {
    const config = httpNode.config.parse({ url: `${origin}/echo` });
    const ctx = testContext({ executionId: 'run-9', nodeId: 'charge', scope: '3', idempotencyKey: 'run-1:charge:3' });
    await httpNode.execute({ config, input: {}, ctx });
    expect(onlyRequest().headers['idempotency-key']).toBe('run-1:charge:3');
  });

  it('keeps an idempotency key and content type the user set, whatever their case', async () => {
    await run({
      method: 'PUT',
      url: `${origin}/echo`,
      headers: { 'Idempotency-Key': 'mine', 'Content-Type': 'application/vnd.api+json' },
      body: { a: 1 },
    });
    const request = onlyRequest();
    expect(request.headers['idempotency-key']).toBe('mine');
    expect(request.headers['content-type']).toBe('application/vnd.api+json');
  });

  it('sends a string body as text', async () => {
    await run({ method: 'POST', url: `${origin}/echo`, body: 'hello' });
    const request = onlyRequest();
    expect(request.body).toBe('hello');
    expect(request.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('sends no body with GET', async () => {
    await run({ method: 'GET', url: `${origin}/echo`, body: { ignored: true } });
    const request = onlyRequest();
    expect(request.method).toBe('GET');
    expect(request.body).toBe('');
    expect(request.headers['content-type']).toBeUndefined();
  });

  it('keeps a non-JSON answer as text', async () => {
    const result = await run({ url: `${origin}/text` });
    expect(result.output).toMatchObject({ status: 200, body: '{"looks":"like json"}' });
  });

  it('keeps a JSON-typed answer that does not parse as text', async () => {
    expect((await run({ url: `${origin}/bad-json` })).output).toMatchObject({ status: 200, body: 'not json' });
  });

  it('fails a 404 as non-retryable', async () => {
    const attempt = run({ url: `${origin}/status/404` });
    await expect(attempt).rejects.toBeInstanceOf(NonRetryableError);
    await expect(attempt).rejects.toThrow('HTTP 404: answer 404');
  });

  it('fails a 429 as retry-after, waiting as the server asked', async () => {
    const attempt = run({ url: `${origin}/status/429` });
    await expect(attempt).rejects.toBeInstanceOf(RetryAfterError);
    await expect(attempt).rejects.toMatchObject({ retryAfterMs: 7000 });
  });

  it('fails a 500 with a plain error, left to the retry policy', async () => {
    const attempt = run({ url: `${origin}/status/500` });
    await expect(attempt).rejects.toThrow('HTTP 500: answer 500');
    await expect(attempt).rejects.not.toBeInstanceOf(NonRetryableError);
    await expect(attempt).rejects.not.toBeInstanceOf(RetryAfterError);
  });

  it('with failOnNon2xx false, outputs a 500 like any answer', async () => {
    const result = await run({ url: `${origin}/status/500`, failOnNon2xx: false });
    expect(result.output).toMatchObject({ status: 500, body: 'answer 500' });
  });

  it('hands its timeout to the request, for the engine to enforce', async () => {
    const sent: HttpRequest[] = [];
    const ctx = testContext({
      http: async (request) => {
        sent.push(request);
        return { status: 200, headers: {}, body: '' };
      },
    });
    await httpNode.execute({
      config: httpNode.config.parse({ url: `${origin}/echo`, timeoutMs: 150 }),
      input: {},
      ctx,
    });
    expect(sent.map((request) => request.timeoutMs)).toEqual([150]);
  });

  it('refuses a URL that is not http(s) at run time, without sending anything', async () => {
    // An expression may produce any string; persisted configs may predate the schema check.
    const config = { ...httpNode.config.parse({ url: `${origin}/echo` }), url: 'file:///etc/passwd' };
    await expect(httpNode.execute({ config, input: {}, ctx: testContext() })).rejects.toBeInstanceOf(NonRetryableError);
    expect(received).toEqual([]);
  });

  it('evaluates url, query, headers and body through the context and sends what they come to', async () => {
    const { evaluate, asked } = answeringTemplates({
      [`${origin}/echo?id={{ input.id }}`]: `${origin}/echo?id=42`,
      '{{ input.id }}': 42,
    });
    const send = (config: Record<string, unknown>) =>
      httpNode.execute({ config: httpNode.config.parse(config), input: {}, ctx: testContext({ evaluate }) });

    await send({ url: `${origin}/echo?id={{ input.id }}` });
    expect(new URL(onlyRequest().url, origin).searchParams.get('id')).toBe('42');
    received = [];
    await send({ url: `${origin}/echo`, query: { id: '{{ input.id }}' } });
    expect(new URL(onlyRequest().url, origin).searchParams.get('id')).toBe('42');
    received = [];
    await send({ url: `${origin}/echo`, headers: { 'X-Id': '{{ input.id }}' } });
    expect(onlyRequest().headers['x-id']).toBe('42');
    received = [];
    await send({ url: `${origin}/echo`, method: 'POST', body: { id: '{{ input.id }}' } });
    expect(JSON.parse(onlyRequest().body)).toEqual({ id: 42 });
    expect(asked).toContainEqual({ id: '{{ input.id }}' });
  });
});

describe('errorFor', () => {
  const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: 'x' });

  it('treats 4xx other than 429 as final and everything else as retryable', () => {
    expect(errorFor(answer(400))).toBeInstanceOf(NonRetryableError);
    expect(errorFor(answer(499))).toBeInstanceOf(NonRetryableError);
    expect(errorFor(answer(503))).not.toBeInstanceOf(NonRetryableError);
    expect(errorFor(answer(302))).not.toBeInstanceOf(NonRetryableError);
    expect(errorFor(answer(429))).toBeInstanceOf(RetryAfterError);
  });

  it('keeps at most 500 characters of the body in the message', () => {
    const error = errorFor({ status: 500, headers: {}, body: 'y'.repeat(2000) });
    expect(error.message).toBe(`HTTP 500: ${'y'.repeat(500)}`);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads delta-seconds', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs('120')).toBe(120_000);
  });

  it('reads an HTTP date relative to now', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:30:00 GMT', now)).toBe(120_000);
  });

  it('does not wait a negative time for a date in the past', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
  });

  it('waits one second when the header is absent or unreadable', () => {
    expect(retryAfterMs(undefined)).toBe(1000);
    expect(retryAfterMs('')).toBe(1000);
    expect(retryAfterMs('soon')).toBe(1000);
    expect(retryAfterMs(' ')).toBe(1000);
    expect(retryAfterMs('0x10')).toBe(1000);
    expect(retryAfterMs('-5')).toBe(1000);
  });
});
