import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from '../core/graph/model.ts';
import { EventHub } from '../engine/event-hub.ts';
import { createRunService } from '../runs/service.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { byNode, edge, node, testEngine } from '../testing/engine.ts';

/*
 * The format nodes in a real run started by a real webhook: a Stepwise API on 127.0.0.1, an engine
 * worker, PostgreSQL, isolates. A CSV posted as text/csv is parsed, each row looped over (its due
 * date worked out in Europe/Berlin), the rows written back as CSV and sent as the webhook's answer.
 *
 *   Hook (text/csv) ──▶ Rows (Parse CSV) ──▶ Each (loop) ══body══▶ Row (Set) ──▶ Due (Date & time) ──▶ Each
 *                                              └──done──▶ Sheet (Build CSV) ──▶ Reply (text/csv)
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
let stepwise: { url: string; close(): Promise<void> };

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
});
afterAll(async () => {
  await stepwise?.close();
  await events?.close();
  await engine?.close();
});

const inLoop = (child: GraphNode): GraphNode => ({ ...child, parentId: 'each' });

const graph: Graph = {
  nodes: [
    node('hook', 'trigger.webhook', 'Hook', { path: 'orders/csv', respond: 'respondNode', timeoutMs: 30_000 }),
    node('rows', 'transform.csvParse', 'Rows', { text: '{{ input.body }}' }),
    node('each', 'flow.loop', 'Each', { items: '{{ input }}' }),
    inLoop(
      node('row', 'transform.set', 'Row', {
        keepInput: false,
        fields: [
          { path: 'id', value: '{{ item.id }}' },
          { path: 'customer', value: '{{ item.customer }}' },
          { path: 'ordered', value: '{{ item.ordered }}' },
        ],
      }),
    ),
    inLoop(
      node('due', 'transform.dateTime', 'Due', {
        operation: 'add',
        value: '{{ input.ordered }}',
        amount: '1',
        unit: 'days',
        zone: 'Europe/Berlin',
        outputFormat: 'pattern',
        outputPattern: 'yyyy-MM-dd HH:mm ZZ',
        field: 'due',
      }),
    ),
    node('sheet', 'transform.csvBuild', 'Sheet', { columns: ['id', 'customer', 'due'] }),
    node('reply', 'action.respond', 'Reply', {
      bodyType: 'text',
      body: '{{ input.csv }}',
      headers: [{ name: 'Content-Type', value: 'text/csv; charset=utf-8' }],
    }),
  ],
  edges: [
    edge('hook', 'rows'),
    edge('rows', 'each'),
    edge('each', 'row', 'body'),
    edge('row', 'due'),
    edge('due', 'each'),
    edge('each', 'sheet', 'done'),
    edge('sheet', 'reply'),
  ],
};

/** Publishes and activates `graph` under a name of its own and answers its webhook URL. */
async function live(): Promise<string> {
  const created = await api.call('POST', '/api/v1/workflows', { name: 'Formats CSV due dates', graph });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const saved = await api.call('POST', `/api/v1/workflows/${created.body.id}/versions`, { fromDraft: true });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  await api.call('POST', `/api/v1/workflows/${created.body.id}/publish`, { version: 1 });
  await api.call('POST', `/api/v1/workflows/${created.body.id}/activate`);
  return `${stepwise.url}/hooks/${created.body.id}/orders/csv`;
}

describe('a CSV posted to a webhook, parsed, looped over and written back', () => {
  it('answers the rows as CSV, quoted fields intact, each due one calendar day later across the clock change', async () => {
    const url = await live();
    // Quoted comma, doubled quote, a line break inside a field; 2026-03-28 12:00 Berlin + 1 day crosses
    // the spring change (that day has 23 hours): the due time stays 12:00, now at +02:00.
    const csv = [
      'id,customer,ordered',
      '1,"Smith, Jr.",2026-03-28T12:00',
      '2,"Ada ""the first"" Lovelace",2026-03-01T09:00',
      '3,"Grace',
      'Hopper",2026-10-24T18:30',
    ].join('\r\n');
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe(
      [
        'id,customer,due',
        '1,"Smith, Jr.",2026-03-29 12:00 +02:00',
        '2,"Ada ""the first"" Lovelace",2026-03-02 09:00 +01:00',
        '3,"Grace\r\nHopper",2026-10-25 18:30 +01:00',
        '',
      ].join('\n'),
    );

    const workflowId = new URL(url).pathname.split('/')[2] as string;
    const [run] = await engine.repos.executions.list({ workflowId, trigger: 'webhook', limit: 1 });
    const { execution, steps } = await engine.finished(run?.id as string);
    expect(execution.status).toBe('succeeded');
    const top = byNode(steps.filter((step) => step.scope === ''));
    expect(top.rows?.output).toEqual([
      { id: '1', customer: 'Smith, Jr.', ordered: '2026-03-28T12:00' },
      { id: '2', customer: 'Ada "the first" Lovelace', ordered: '2026-03-01T09:00' },
      { id: '3', customer: 'Grace\r\nHopper', ordered: '2026-10-24T18:30' },
    ]);
    expect(steps.filter((step) => step.nodeId === 'due' && step.status === 'succeeded')).toHaveLength(3);
  });

  it('fails the run at Parse CSV, naming the field and the line, when the CSV is broken', async () => {
    const url = await live();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'id,customer,ordered\n1,"never closed,2026-03-28T12:00\n',
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { details: { error: unknown } } };
    expect(body.error.details.error).toEqual({
      nodeId: 'rows',
      nodeName: 'Rows',
      message:
        'config.text: the CSV cannot be read: Quote Not Closed: the parsing is finished with an opening quote at line 2',
    });
  });
});
