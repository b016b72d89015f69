import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendHttp } from './http.ts';

/** What the server last received, and how it answers each path. */
let received: { method: string; headers: IncomingHttpHeaders; body: string } | undefined;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received = { method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const text = 'héllo, encoded';
      if (req.url === '/gzip-head') res.writeHead(200, { 'content-encoding': 'gzip' }).end();
      else if (req.url === '/gzip-nothing') res.writeHead(200, { 'content-encoding': 'gzip' }).end();
      else if (req.url === '/gzip-empty') res.writeHead(204, { 'content-encoding': 'gzip' }).end();
      else if (req.url === '/gzip') res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(text));
      else if (req.url === '/deflate') res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync(text));
      else if (req.url === '/br') res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(text));
      else if (req.url === '/repeated') {
        res.writeHead(200, [
          ['X-Tag', 'a'],
          ['x-tag', 'b'],
          ['Set-Cookie', 'one=1'],
          ['Set-Cookie', 'two=2'],
          ['B-Header', 'z'],
        ]);
        res.end();
      } else if (req.url === '/big') res.end('x'.repeat(11 * 1024 * 1024));
      else res.end('plain');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const send = (path: string, extra: Partial<Parameters<typeof sendHttp>[0]> = {}) =>
  sendHttp({ method: 'GET', url: `${base}${path}`, headers: {}, timeoutMs: 5000, ...extra });

describe('sendHttp on Node’s own client', () => {
  it('sends what fetch sent: its default headers, a length for the body, text as UTF-8', async () => {
    await send('/echo', {
      method: 'POST',
      body: 'ünïcode',
      headers: { 'X-Custom': 'yes', Accept: 'application/json' },
    });
    expect(received?.method).toBe('POST');
    expect(received?.body).toBe('ünïcode');
    expect(received?.headers['content-length']).toBe(String(Buffer.byteLength('ünïcode')));
    expect(received?.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(received?.headers['transfer-encoding']).toBeUndefined();
    expect(received?.headers['x-custom']).toBe('yes');
    // The caller's header wins over the default of the same name, whatever its case.
    expect(received?.headers.accept).toBe('application/json');
    expect(received?.headers['user-agent']).toBe('node');
    expect(received?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends an empty POST with a zero length, and a GET with none', async () => {
    await send('/echo', { method: 'POST' });
    expect(received?.headers['content-length']).toBe('0');
    await send('/echo');
    expect(received?.headers['content-length']).toBeUndefined();
  });

  it('decodes gzip, deflate and brotli answers', async () => {
    for (const path of ['/gzip', '/deflate', '/br']) {
      expect((await send(path)).body).toBe('héllo, encoded');
    }
  });

  it('reads no body, and decodes none, where an answer has none (HEAD, 204) whatever its encoding says', async () => {
    const head = await send('/gzip-head', { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(await send('/gzip-empty')).toMatchObject({ status: 204, body: '' });
    // Said to be gzip, but empty: an empty body, as fetch and browsers read it, not an error.
    expect(await send('/gzip-nothing')).toMatchObject({ status: 200, body: '' });
  });

  it('gives headers in lower case, sorted, repeats joined as fetch joins them', async () => {
    const answer = await send('/repeated');
    expect(answer.headers['x-tag']).toBe('a, b');
    expect(answer.headers['set-cookie']).toBe('two=2');
    const names = Object.keys(answer.headers);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('b-header');
  });

  it('fails a body over the cap and names the request', async () => {
    await expect(send('/big')).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/big: response is larger than/);
  });

  it('refuses a URL that carries a user name or password, and names the socket error of a refused connection', async () => {
    await expect(send('/echo', { url: base.replace('http://', 'http://user:pw@') })).rejects.toThrow(
      /user name or password/,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(send('', { url: `http://127.0.0.1:${port}/` })).rejects.toThrow(/failed: ECONNREFUSED/);
  });
});
