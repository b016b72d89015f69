import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, testEngine, testHttpServer } from '../testing/engine.ts';

/**
 * `/orders/…` answers 429 (Retry-After: 0) to its first request, then echoes what it received as
 * JSON; `/text` answers plain text; `/gone` answers 404.
 */
let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  http = await testHttpServer((request, response) => {
    const url = new URL(request.url, 'http://x');
    if (url.pathname.startsWith('/orders/')) {
      if (http.requests.filter((seen) => seen.url.startsWith('/orders/')).length === 1) {
        response.writeHead(429, { 'retry-after': '0', 'content-type': 'text/plain' });
        response.end('slow down');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-served-by': 'test' });
      response.end(
        JSON.stringify({
          method: request.method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          received: JSON.parse(request.body),
        }),
      );
    } else if (url.pathname === '/text') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('plain {"not":"parsed"}');
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"gone"}');
    }
  });
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

describe('the http node in a run', () => {
  it('sends method, query, headers and a JSON body built from expressions, with a stable idempotency key', async () => {
    //  Start ──▶ Customer ──▶ Order (POST, 429 once) ──▶ Receipt
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('customer', 'transform.set', 'Customer', {
          fields: [{ path: 'token', value: 'tok-{{ input.customer.id }}' }],
        }),
        node('order', 'action.http', 'Order', {
          method: 'POST',
          url: `${http.url}/orders/{{ trigger.orderId }}`,
          query: { page: '{{ trigger.page + 1 }}', q: 'a b&c' },
          headers: { Authorization: 'Bearer {{ steps.Customer.output.token }}', 'X-Fixed': 'fixed' },
          body: {
            name: '{{ trigger.customer.name.toUpperCase() }}',
            total: '{{ trigger.items.reduce((sum, item) => sum + item.price, 0) }}',
            items: '{{ trigger.items.map((item) => item.sku) }}',
            note: 'order {{ trigger.orderId }} for {{ trigger.customer.name }}',
            literal: 7,
          },
        }),
        node('receipt', 'transform.set', 'Receipt', {
          fields: [
            { path: 'who', value: '{{ input.body.received.name }}' },
            { path: 'status', value: '{{ input.status }}' },
          ],
          keepInput: false,
        }),
      ],
      edges: [edge('start', 'customer'), edge('customer', 'order'), edge('order', 'receipt')],
    };
    const payload = {
      orderId: 'A-17',
      page: 1,
      customer: { id: 9, name: 'Ada' },
      items: [
        { sku: 'x', price: 2.5 },
        { sku: 'y', price: 4 },
      ],
    };
    const started = await engine.run(graph, payload);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');

    const sent = http.requests.filter((request) => request.url.startsWith('/orders/'));
    expect(sent).toHaveLength(2);
    for (const request of sent) {
      expect(request.method).toBe('POST');
      const url = new URL(request.url, http.url);
      expect(url.pathname).toBe('/orders/A-17');
      expect([...url.searchParams]).toEqual([
        ['page', '2'],
        ['q', 'a b&c'],
      ]);
      expect(request.headers.authorization).toBe('Bearer tok-9');
      expect(request.headers['x-fixed']).toBe('fixed');
      expect(request.headers['content-type']).toBe('application/json');
      // The retried attempt carries the same key, so the far side can deduplicate.
      expect(request.headers['idempotency-key']).toBe(`${started.id}:order`);
      expect(JSON.parse(request.body)).toEqual({
        name: 'ADA',
        total: 6.5,
        items: ['x', 'y'],
        note: 'order A-17 for Ada',
        literal: 7,
      });
    }

    const attempts = steps.filter((step) => step.nodeId === 'order').sort((a, b) => a.attempt - b.attempt);
    expect(attempts.map((step) => [step.attempt, step.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(attempts[0]?.error).toMatchObject({ name: 'RetryAfterError', message: 'HTTP 429: slow down' });
    expect(attempts[1]?.output).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'application/json; charset=utf-8', 'x-served-by': 'test' }),
      body: {
        method: 'POST',
        path: '/orders/A-17',
        query: { page: '2', q: 'a b&c' },
        received: { name: 'ADA', total: 6.5, items: ['x', 'y'], note: 'order A-17 for Ada', literal: 7 },
      },
    });
    expect(byNode(steps).receipt?.output).toEqual({ who: 'ADA', status: 200 });
  });

  it('keeps a text answer as text, and with failOnNon2xx off passes a 404 on as output', async () => {
    //  Start ──▶ Text ──▶ Gone (failOnNon2xx: false)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('text', 'action.http', 'Text', { url: `${http.url}/text` }),
        node('gone', 'action.http', 'Gone', { method: 'DELETE', url: `${http.url}/gone`, failOnNon2xx: false }),
      ],
      edges: [edge('start', 'text'), edge('text', 'gone')],
    };
    const started = await engine.run(graph);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    expect(nodes.text?.output).toMatchObject({ status: 200, body: 'plain {"not":"parsed"}' });
    expect(nodes.gone).toMatchObject({
      attempt: 1,
      status: 'succeeded',
      output: { status: 404, body: { error: 'gone' } },
    });
    const gone = http.requests.find((request) => request.url === '/gone');
    expect(gone?.method).toBe('DELETE');
    expect(gone?.headers['idempotency-key']).toBe(`${started.id}:gone`);
  });
});
