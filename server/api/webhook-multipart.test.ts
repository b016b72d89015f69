import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { SIGNATURE_HEADER, signBody } from '../credentials/hmac.capability.ts';
import { DISPLAY_CAP_BYTES, MAX_OUTPUT_BYTES } from '../engine/data-caps.ts';
import type { TestApi } from '../testing/api.ts';
import { listening, type WorkerBackedApi, workerBackedApi } from '../testing/worker-api.ts';
import { fileDisplayName, MAX_WEBHOOK_FILES } from './multipart-body.ts';

/*
 * multipart/form-data uploads to a webhook, over real HTTP: a real Stepwise API on 127.0.0.1, a real
 * engine worker and PostgreSQL. The payload's body is `{ fields, files }`, files byte-exact in base64.
 */

/** Large enough for a file over the display cap (256 KiB of JSON), small enough to test going over. */
const BODY_LIMIT = 1024 * 1024;

let backed: WorkerBackedApi;
let engine: WorkerBackedApi['engine'];
let api: TestApi;
let stepwise: { url: string; close(): Promise<void> };

beforeAll(async () => {
  backed = await workerBackedApi({ webhookBodyLimit: BODY_LIMIT });
  ({ engine, api } = backed);
  stepwise = await listening(api);
});
afterAll(async () => {
  await stepwise?.close();
  await backed?.close();
});

/**
 *   Hook (webhook: POST uploads) ──▶ Read (set: the first file as `trigger` and as `input` show it)
 */
const uploads = (config: Record<string, unknown> = {}): Graph => ({
  nodes: [
    {
      id: 'hook',
      type: 'trigger.webhook',
      name: 'Hook',
      position: { x: 0, y: 0 },
      config: { path: 'uploads', ...config },
    },
    {
      id: 'read',
      type: 'transform.set',
      name: 'Read',
      position: { x: 0, y: 100 },
      config: {
        keepInput: false,
        fields: [
          { path: 'name', value: '{{ trigger.body.files[0].name }}' },
          { path: 'contentTail', value: '{{ trigger.body.files[0].content.slice(-24) }}' },
          { path: 'contentLength', value: '{{ trigger.body.files[0].content.length }}' },
          { path: 'inputSeesSame', value: '{{ input.body.files[0].content === trigger.body.files[0].content }}' },
        ],
      },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', sourcePort: 'main', target: 'read' }],
});

let made = 0;
/** A published, active workflow of `graph` (a name of its own each); answers its id. */
async function live(graph: Graph = uploads()): Promise<string> {
  made += 1;
  const created = await api.call('POST', '/api/v1/workflows', { name: `Uploads ${made}`, graph });
  expect(created.status).toBe(201);
  const saved = await api.call('POST', `/api/v1/workflows/${created.body.id}/versions`, { fromDraft: true });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  await api.call('POST', `/api/v1/workflows/${created.body.id}/publish`, { version: 1 });
  await api.call('POST', `/api/v1/workflows/${created.body.id}/activate`);
  return created.body.id;
}

/** A form as a browser or `curl -F` sends it: its Content-Type (with the boundary) and its exact bytes. */
async function encoded(form: FormData): Promise<{ contentType: string; bytes: Uint8Array<ArrayBuffer> }> {
  const request = new Request('http://encode.invalid/', { method: 'POST', body: form });
  return {
    contentType: request.headers.get('content-type') ?? '',
    bytes: new Uint8Array(await request.arrayBuffer()),
  };
}

const sendBytes = (url: string, contentType: string, bytes: Uint8Array<ArrayBuffer>, headers = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: bytes });

/**
 * Sends a request on a connection of its own, closed after it: a refused body is answered before it
 * has all arrived, and the server then drops the connection, which fetch's pool might reuse.
 */
function sendOnOwnConnection(url: string, contentType: string, bytes: Uint8Array) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const sending = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': contentType, 'content-length': bytes.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    sending.on('error', reject);
    sending.end(bytes);
  });
}

const hookUrl = (id: string) => `${stepwise.url}/hooks/${id}/uploads`;
const webhookRuns = (workflowId: string) =>
  engine.repos.executions.list({ workflowId, trigger: 'webhook', limit: 100 });

/** Every byte value once: no text decoding leaves these alone. */
const EVERY_BYTE = Uint8Array.from({ length: 256 }, (_, index) => index);

async function startedRun(response: Response) {
  expect(response.status, await response.clone().text()).toBe(202);
  const { executionId } = (await response.json()) as { executionId: string };
  const finished = await engine.finished(executionId);
  expect(finished.execution.status, JSON.stringify(finished.execution.error)).toBe('succeeded');
  return finished;
}

describe('multipart webhook bodies', () => {
  it('gives fields (repeated names as lists) and every file, in order, as { fields, files }', async () => {
    const id = await live();
    const form = new FormData();
    form.append('note', 'two invoices');
    form.append('tag', 'urgent');
    form.append('tag', 'north');
    form.append('invoice', new Blob(['id,total\n1,9.50\n'], { type: 'text/csv' }), 'march.csv');
    form.append('invoice', new Blob(['%PDF-1.7 not really'], { type: 'application/pdf' }), 'C:\\scans\\april.pdf');

    const { execution, steps } = await startedRun(await fetch(hookUrl(id), { method: 'POST', body: form }));
    const payload = execution.triggerPayload as { body: unknown; headers: Record<string, string> };
    expect(payload.body).toEqual({
      fields: { note: 'two invoices', tag: ['urgent', 'north'] },
      files: [
        {
          field: 'invoice',
          name: 'march.csv',
          type: 'text/csv',
          size: 16,
          content: Buffer.from('id,total\n1,9.50\n').toString('base64'),
        },
        {
          field: 'invoice',
          name: 'april.pdf',
          type: 'application/pdf',
          size: 19,
          content: Buffer.from('%PDF-1.7 not really').toString('base64'),
        },
      ],
    });
    expect(payload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    // A later step reads the files through `trigger` and through its input alike.
    const read = steps.find((step) => step.nodeId === 'read');
    expect(read?.output).toEqual({
      name: 'march.csv',
      contentTail: Buffer.from('id,total\n1,9.50\n').toString('base64').slice(-24),
      contentLength: 24,
      inputSeesSame: true,
    });
  });

  it('keeps fields named like Object.prototype members as plain fields', async () => {
    const id = await live();
    const form = new FormData();
    form.append('__proto__', 'first');
    form.append('__proto__', 'second');
    form.append('constructor', 'c');
    form.append('toString', 't');
    form.append('file', new Blob(['x']), 'x.txt'); // the Read step reads one
    const { execution } = await startedRun(await fetch(hookUrl(id), { method: 'POST', body: form }));
    const { fields } = (execution.triggerPayload as { body: { fields: object } }).body;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.entries(fields)).toEqual([
      ['__proto__', ['first', 'second']],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
  });

  it('keeps a binary file byte for byte (0x00 to 0xFF), and shows only its file name', async () => {
    const id = await live();
    const form = new FormData();
    form.append('blob', new Blob([EVERY_BYTE], { type: 'application/octet-stream' }), '../../etc/every-byte.bin');
    const { contentType, bytes } = await encoded(form);
    const { execution } = await startedRun(await sendBytes(hookUrl(id), contentType, bytes));

    const [file] = (execution.triggerPayload as { body: { files: Array<Record<string, unknown>> } }).body.files;
    expect(file).toMatchObject({ field: 'blob', name: 'every-byte.bin', type: 'application/octet-stream', size: 256 });
    expect(Buffer.from(String(file?.content), 'base64').equals(Buffer.from(EVERY_BYTE))).toBe(true);
  });

  it('verifies a signed multipart request over the bytes sent, and refuses one changed on the way', async () => {
    const secret = 'whsec-multipart-0123456789';
    const credential = await api.call('POST', '/api/v1/credentials', {
      name: 'Upload signer',
      type: 'hmac',
      secret: { secret },
    });
    expect(credential.status).toBe(201);
    const id = await live(uploads({ secretCredentialId: credential.body.id }));
    const form = new FormData();
    form.append('reference', 'INV-9');
    form.append('scan', new Blob([EVERY_BYTE], { type: 'image/png' }), 'scan.png');
    const { contentType, bytes } = await encoded(form);
    const now = Math.floor(Date.now() / 1000);

    const signed = await sendBytes(hookUrl(id), contentType, bytes, {
      [SIGNATURE_HEADER]: signBody(secret, bytes, now),
    });
    const { execution } = await startedRun(signed);
    const body = (execution.triggerPayload as { body: { fields: unknown; files: Array<{ content: string }> } }).body;
    expect(body.fields).toEqual({ reference: 'INV-9' });
    expect(body.files[0]?.content).toBe(Buffer.from(EVERY_BYTE).toString('base64'));

    // One byte of the file changed after signing (0x80 is no valid UTF-8 on its own: the check is over bytes).
    const tampered = bytes.slice();
    const at = Buffer.from(tampered).indexOf(Buffer.from([0x7f, 0x80, 0x81]));
    expect(at).toBeGreaterThan(0);
    tampered[at + 1] = 0x00;
    const refused = await sendBytes(hookUrl(id), contentType, tampered, {
      [SIGNATURE_HEADER]: signBody(secret, bytes, now + 1),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { code: 'invalid_signature', message: 'the signature does not match' },
    });
    expect(await webhookRuns(id)).toHaveLength(1);
  });

  it('refuses a body over the webhook limit (counted in request bytes) with 413 and no run', async () => {
    const id = await live();
    const form = new FormData();
    form.append('big', new Blob([new Uint8Array(BODY_LIMIT + 1)]), 'big.bin');
    const { contentType, bytes } = await encoded(form);
    const response = await sendOnOwnConnection(hookUrl(id), contentType, bytes);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text)).toEqual({
      error: { code: 'payload_too_large', message: `body is larger than ${BODY_LIMIT} bytes` },
    });
    expect(await webhookRuns(id)).toHaveLength(0);
  });

  it('refuses files whose base64 would not fit in the trigger step, under a body limit raised that far', async () => {
    const id = await live();
    // A second API on the same store and engine, with a 7 MiB body limit: 6.5 MiB of file is
    // within it as sent, and 8.7 MiB as base64, over a step's 8 MiB output.
    const generous = backed.apiWith({ webhookBodyLimit: 7 * 1024 * 1024 });
    const form = new FormData();
    form.append('video', new Blob([new Uint8Array(6.5 * 1024 * 1024)], { type: 'video/mp4' }), 'clip.mp4');
    const { contentType, bytes } = await encoded(form);
    const response = await generous.app.request(`/hooks/${id}/uploads`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: bytes,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: `the files come to ${4 * Math.ceil((6.5 * 1024 * 1024) / 3)} bytes base64-encoded, more than the ${MAX_OUTPUT_BYTES} bytes a run's trigger step may hold`,
      },
    });
    expect(await webhookRuns(id)).toHaveLength(0);
  });

  it(`refuses more than ${MAX_WEBHOOK_FILES} files with 413 naming the count`, async () => {
    const id = await live();
    const form = new FormData();
    for (let index = 0; index <= MAX_WEBHOOK_FILES; index++) {
      form.append('page', new Blob([`page ${index}`], { type: 'text/plain' }), `page-${index}.txt`);
    }
    const { contentType, bytes } = await encoded(form);
    const response = await sendBytes(hookUrl(id), contentType, bytes);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: 'too_many_files',
        message: `the form has ${MAX_WEBHOOK_FILES + 1} files; a webhook takes at most ${MAX_WEBHOOK_FILES}`,
      },
    });
    expect(await webhookRuns(id)).toHaveLength(0);
  });

  it('refuses a body that does not use its declared boundary, or declares none, with 400 saying so', async () => {
    const id = await live();
    const form = new FormData();
    form.append('note', 'hello');
    const { bytes } = await encoded(form);

    const wrongBoundary = await sendBytes(hookUrl(id), 'multipart/form-data; boundary=not-the-one-used', bytes);
    expect(wrongBoundary.status).toBe(400);
    expect(await wrongBoundary.json()).toEqual({
      error: {
        code: 'invalid_body',
        message: 'the multipart/form-data body could not be read: no boundary found in multipart body',
      },
    });
    const noBoundary = await sendBytes(hookUrl(id), 'multipart/form-data', bytes);
    expect(noBoundary.status).toBe(400);
    expect(((await noBoundary.json()) as { error: { message: string } }).error.message).toBe(
      'the multipart/form-data body could not be read: missing boundary in content-type header',
    );
    expect(await webhookRuns(id)).toHaveLength(0);
  });

  it('keeps a big file whole for later steps while people see the trigger step capped', async () => {
    const id = await live();
    const big = randomBytes(400 * 1024); // 546 KiB of base64: over the display cap, within the body limit
    const form = new FormData();
    form.append('archive', new Blob([big], { type: 'application/zip' }), 'export.zip');
    const { execution, steps } = await startedRun(await fetch(hookUrl(id), { method: 'POST', body: form }));

    const content = big.toString('base64');
    expect(content.length).toBeGreaterThan(DISPLAY_CAP_BYTES);
    expect(steps.find((step) => step.nodeId === 'hook')?.output).toMatchObject({ $truncated: true });
    expect(steps.find((step) => step.nodeId === 'read')?.output).toEqual({
      name: 'export.zip',
      contentTail: content.slice(-24),
      contentLength: content.length,
      inputSeesSame: true,
    });
    const [file] = (execution.triggerPayload as { body: { files: Array<{ content: string }> } }).body.files;
    expect(file?.content).toBe(content);
  });

  it('shapes a request to the draft test URL exactly as the live webhook does', async () => {
    const id = await live();
    const form = new FormData();
    form.append('tag', 'a');
    form.append('tag', 'b');
    form.append('blob', new Blob([EVERY_BYTE], { type: 'application/octet-stream' }), 'dir/every-byte.bin');
    const { contentType, bytes } = await encoded(form);
    const { execution } = await startedRun(await sendBytes(hookUrl(id), contentType, bytes));

    const armed = await api.call('POST', `/api/v1/workflows/${id}/webhook-test`, undefined, { as: 'analyst' });
    expect(armed.status).toBe(201);
    const testUrl = `${stepwise.url}${new URL(armed.body.url).pathname}`;
    const captured = await sendBytes(testUrl, contentType, bytes);
    expect(captured.status).toBe(200);
    const state = await api.call('GET', `/api/v1/workflows/${id}/webhook-test`);
    expect(state.body.payload.body).toEqual((execution.triggerPayload as { body: unknown }).body);
    expect(state.body.payload.body.files[0]).toMatchObject({ name: 'every-byte.bin', size: 256 });
  });

  it('refuses a malformed multipart test request as the live webhook does, and shows the editor why', async () => {
    const id = await live();
    const armed = await api.call('POST', `/api/v1/workflows/${id}/webhook-test`, undefined, { as: 'analyst' });
    const testUrl = `${stepwise.url}${new URL(armed.body.url).pathname}`;
    const refused = await sendBytes(testUrl, 'multipart/form-data; boundary=xyz', new TextEncoder().encode('junk'));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    const state = await api.call('GET', `/api/v1/workflows/${id}/webhook-test`);
    expect(state.body).toMatchObject({
      status: 'listening',
      refusal: {
        status: 400,
        message: 'the multipart/form-data body could not be read: no boundary found in multipart body',
      },
    });
  });
});

describe('file names as shown', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ada\\report.pdf', 'report.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['  tab\tand\nnewline.txt ', 'tabandnewline.txt'],
    ['..', 'file'],
    ['folder/', 'file'],
    ['', 'file'],
    ['résumé €.txt', 'résumé €.txt'],
  ])('%j shows as %j', (sent, shown) => {
    expect(fileDisplayName(sent)).toBe(shown);
  });

  it('keeps the end (the extension) of a name over 255 characters, whole characters only', () => {
    const name = fileDisplayName(`${'😀'.repeat(300)}.pdf`);
    expect([...name]).toHaveLength(255);
    expect(name.endsWith('😀.pdf')).toBe(true);
  });
});
