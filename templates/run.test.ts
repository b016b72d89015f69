import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../server/core/graph/model.ts';
import { testEngine, testHttpServer } from '../server/testing/engine.ts';
import { findTemplate } from './catalogue.ts';
import type { Template } from './define.ts';

/*
 * Templates run as they are, on the real engine (SQLite, PostgreSQL's queue, isolates, HTTP to a
 * real server on 127.0.0.1): only the example.com addresses are pointed at the local server.
 *
 * The acceptance journey's template (csv-upload-summary: webhook → CSV → loop → email) has its own
 * test beside this one (csv-upload-summary.run.test.ts), with a real SMTP server; the loop-and-HTTP
 * template sync-new-orders and the list pipeline of dedupe-sort-leads run here.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let api: Awaited<ReturnType<typeof testHttpServer>>;

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  api = await testHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: true, path: request.url }));
  });
});
afterAll(async () => {
  await engine?.close();
  await api?.close();
});

/** The template's graph with every https://…example.com address pointed at the local server. */
function locally(slug: string): Graph {
  const template = findTemplate(slug) as Template;
  const text = JSON.stringify(template.graph).replace(/https:\/\/[a-z]+\.example\.com/g, api.url);
  return JSON.parse(text) as Graph;
}

const requestsTo = (prefix: string) => api.requests.filter((request) => request.url.startsWith(prefix));

describe('sync-new-orders on the engine', () => {
  it('upserts each order of the webhook’s batch and ends with how many were synced', async () => {
    const orders = [
      { id: 'A-1', customer: 'Ada', total: 120, status: 'paid' },
      { id: 'A-2', customer: 'Grace', total: 80, status: 'open' },
      { id: 'A-3', customer: 'Linus', total: 42.5, status: 'paid' },
    ];
    const started = await engine.run(locally('sync-new-orders'), { method: 'POST', body: { orders } });
    const { execution, steps } = await engine.finished(started.id, 30_000);
    expect(execution.status).toBe('succeeded');

    const upserts = requestsTo('/api/orders/');
    expect(upserts.map((request) => `${request.method} ${request.url}`).sort()).toEqual([
      'PUT /api/orders/A-1',
      'PUT /api/orders/A-2',
      'PUT /api/orders/A-3',
    ]);
    const grace = upserts.find((request) => request.url.endsWith('A-2'));
    expect(JSON.parse(grace?.body ?? '{}')).toEqual({ id: 'A-2', customer: 'Grace', total: 80, status: 'open' });
    expect(steps.filter((step) => step.nodeId === 'upsert' && step.status === 'succeeded')).toHaveLength(3);
    expect(steps.find((step) => step.nodeId === 'summary')?.output).toEqual({ synced: 3, ids: ['A-1', 'A-2', 'A-3'] });
  }, 60_000);
});

describe('dedupe-sort-leads on the engine', () => {
  it('sends the CRM one lead per email, lower-cased, best score first, without the ones lacking an email', async () => {
    const leads = [
      { email: ' Ada@Example.com ', score: '40' },
      { email: 'grace@example.com', score: 90 },
      { email: '', score: 100 },
      { email: 'ada@example.com', score: 75 },
      { name: 'no email at all', score: 99 },
      { email: 'linus@example.com', score: 60 },
    ];
    const started = await engine.run(locally('dedupe-sort-leads'), { method: 'POST', body: { leads } });
    const { execution } = await engine.finished(started.id, 30_000);
    expect(execution.status).toBe('succeeded');
    const [sent] = requestsTo('/api/leads/bulk');
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({
      leads: [
        { email: 'grace@example.com', score: 90 },
        { email: 'linus@example.com', score: 60 },
        // The first of the two Adas stays, with its own score.
        { email: 'ada@example.com', score: 40 },
      ],
    });
  }, 60_000);
});
