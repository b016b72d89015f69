import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from '../core/graph/model.ts';
import type { TestApi } from '../testing/api.ts';
import { byNode, edge, node } from '../testing/engine.ts';
import { listening, type WorkerBackedApi, workerBackedApi } from '../testing/worker-api.ts';

/*
 * The format nodes in real runs started by real webhooks: a Stepwise API on 127.0.0.1, an engine
 * worker, PostgreSQL, isolates. A CSV posted as text/csv is parsed, each row looped over (its due
 * date worked out in Europe/Berlin), the rows written back as CSV and sent as the webhook's answer;
 * an XML order is read, reshaped and answered as XML.
 *
 *   Hook (text/csv) ──▶ Rows (Parse CSV) ──▶ Each (loop) ══body══▶ Row (Set) ──▶ Due (Date & time) ──▶ Each
 *                                              └──done──▶ Sheet (Build CSV) ──▶ Reply (text/csv)
 */

let backed: WorkerBackedApi;
let engine: WorkerBackedApi['engine'];
let api: TestApi;
let stepwise: { url: string; close(): Promise<void> };

beforeAll(async () => {
  backed = await workerBackedApi();
  ({ engine, api } = backed);
  stepwise = await listening(api);
});
afterAll(async () => {
  await stepwise?.close();
  await backed?.close();
});

const inLoop = (child: GraphNode): GraphNode => ({ ...child, parentId: 'each' });

const csvGraph: Graph = {
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

let made = 0;
/** Publishes and activates `graph` under a name of its own and answers its webhook URL. */
async function live(graph: Graph = csvGraph, path = 'orders/csv'): Promise<string> {
  made += 1;
  const created = await api.call('POST', '/api/v1/workflows', { name: `Formats journey ${made}`, graph });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const saved = await api.call('POST', `/api/v1/workflows/${created.body.id}/versions`, { fromDraft: true });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  await api.call('POST', `/api/v1/workflows/${created.body.id}/publish`, { version: 1 });
  await api.call('POST', `/api/v1/workflows/${created.body.id}/activate`);
  return `${stepwise.url}/hooks/${created.body.id}/${path}`;
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

describe('a CSV file uploaded to a webhook (multipart), parsed from the upload itself', () => {
  /*
   *   Hook (multipart/form-data) ──▶ Rows (Parse CSV of files[0]) ──▶ Sheet (Build CSV, ;) ──▶ Reply
   */
  const uploadGraph: Graph = {
    nodes: [
      node('hook', 'trigger.webhook', 'Hook', { path: 'uploads/csv', respond: 'respondNode', timeoutMs: 30_000 }),
      node('rows', 'transform.csvParse', 'Rows', { text: '{{ input.body.files[0] }}' }),
      node('sheet', 'transform.csvBuild', 'Sheet', { delimiter: ';' }),
      node('reply', 'action.respond', 'Reply', { bodyType: 'text', body: '{{ input.csv }}' }),
    ],
    edges: [edge('hook', 'rows'), edge('rows', 'sheet'), edge('sheet', 'reply')],
  };

  it('decodes the file’s base64 as UTF-8 (a byte-order mark dropped) and reads its rows', async () => {
    const url = await live(uploadGraph, 'uploads/csv');
    const form = new FormData();
    form.append('note', 'from Excel');
    const excel = '\uFEFFname,city\r\nZoë,Zürich\r\n"Ng, Anh",Hà Nội\r\n';
    form.append('sheet', new Blob([excel], { type: 'text/csv' }), 'people.csv');
    const response = await fetch(url, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('name;city\nZoë;Zürich\nNg, Anh;Hà Nội\n');
  });
});

describe('an XML order posted to a webhook, read, reshaped and answered as XML', () => {
  /*
   *   Hook (application/xml) ──▶ Order (XML to JSON) ──▶ Confirm (Set) ──▶ Document (JSON to XML) ──▶ Reply
   */
  const xmlGraph: Graph = {
    nodes: [
      node('hook', 'trigger.webhook', 'Hook', { path: 'orders/xml', respond: 'respondNode', timeoutMs: 30_000 }),
      node('order', 'transform.xmlToJson', 'Order', { text: '{{ input.body }}', alwaysArray: ['line'] }),
      node('confirm', 'transform.set', 'Confirm', {
        keepInput: false,
        fields: [
          { path: 'confirmation.@_order', value: '{{ input.order["@_id"] }}' },
          { path: 'confirmation.@_status', value: 'accepted' },
          { path: 'confirmation.line', value: '{{ input.order.line }}' },
        ],
      }),
      node('document', 'transform.jsonToXml', 'Document', {}),
      node('reply', 'action.respond', 'Reply', {
        bodyType: 'text',
        body: '{{ input.xml }}',
        headers: [{ name: 'Content-Type', value: 'application/xml' }],
      }),
    ],
    edges: [edge('hook', 'order'), edge('order', 'confirm'), edge('confirm', 'document'), edge('document', 'reply')],
  };

  it('keeps attributes and repeated elements (one line still a list) from the request to the answer', async () => {
    const url = await live(xmlGraph, 'orders/xml');
    const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
    const two = await post(
      '<?xml version="1.0"?><order id="7"><line sku="A">2</line><line sku="B &amp; C">1</line></order>',
    );
    expect(two.status).toBe(200);
    expect(two.headers.get('content-type')).toBe('application/xml');
    expect(await two.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<confirmation order="7" status="accepted"><line sku="A">2</line><line sku="B &amp; C">1</line></confirmation>',
    );
    const one = await post('<order id="8"><line sku="A">5</line></order>');
    expect(await one.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<confirmation order="8" status="accepted"><line sku="A">5</line></confirmation>',
    );
  });

  it('fails the run at XML to JSON, naming the field, the line and the column, for XML that is not well-formed', async () => {
    const url = await live(xmlGraph, 'orders/xml');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<order id="9">\n<line>1</lines>\n</order>',
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { details: { error: { nodeId: string; message: string } } } };
    expect(body.error.details.error.nodeId).toBe('order');
    expect(body.error.details.error.message).toBe(
      "config.text: the XML is not well-formed at line 2, column 8: Expected closing tag 'line' (opened in line 2, col 1) instead of closing tag 'lines'.",
    );
  });
});
