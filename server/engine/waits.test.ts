import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { createRunService } from '../runs/service.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { byNode, edge, executionNow, node, stepRunsNow, testEngine, waitUntil } from '../testing/engine.ts';
import { EventHub } from './event-hub.ts';
import { reconcileUnfinishedRuns } from './runs.ts';

/*
 * flow.wait through real PostgreSQL (graphile-worker timers), SQLite, HTTP on 127.0.0.1 and
 * workers: waits resume when their time comes, also across a worker restart with the queue lost;
 * a callback resumes by its signed, single-use URL; an approval is decided by its role or a
 * higher one, once; timeouts leave by `timeout`; a waiting run can be canceled.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let events: EventHub;
let api: TestApi;
let stepwise: { url: string; close: () => Promise<void> };
let worker: Awaited<ReturnType<typeof engine.startWorker>>;

beforeAll(async () => {
  engine = await testEngine();
  events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, events), masterKey: engine.masterKey });
  const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  stepwise = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  worker = await engine.startWorker({ publicUrl: stepwise.url });
});
afterAll(async () => {
  await stepwise?.close();
  await events?.close();
  await engine?.close();
});

const status = (id: string) => executionNow(engine.store, id)?.status;
const waiting = (id: string) => waitUntil(`run ${id} waiting`, () => status(id) === 'waiting');

//  Start ──▶ Wait (config) ──▶ After
const waitThen = (config: Record<string, unknown>): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('wait', 'flow.wait', 'Wait', config),
    node('after', 'transform.set', 'After', { fields: [{ path: 'waited', value: 'yes' }] }),
  ],
  edges: [edge('start', 'wait'), edge('wait', 'after')],
});

describe('a wait for a duration', () => {
  it('suspends the run (waiting, holding no job but its timer) and resumes it when the time comes', async () => {
    const run = await engine.run(waitThen({ mode: 'duration', amount: 1, unit: 'seconds' }), { order: 7 });
    await waiting(run.id);
    expect(byNode(stepRunsNow(engine.store, run.id)).wait).toMatchObject({
      status: 'waiting',
      waitingFor: { kind: 'time', until: expect.any(String) },
    });
    // Once the job that suspended it completes, only the timer is left in the queue.
    await waitUntil('only the timer queued', async () => {
      const { rows } = await engine.pgPool.query<{ task_identifier: string }>(
        'select task_identifier from graphile_worker.jobs where key like $1',
        [`step:${run.id}:%`],
      );
      return rows.length === 1 && rows[0]?.task_identifier === 'stepwise_wait_timer';
    });
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    expect(byNode(steps).wait).toMatchObject({ status: 'succeeded', outputPort: 'main', output: { order: 7 } });
    expect(byNode(steps).after).toMatchObject({ output: { order: 7, waited: 'yes' } });
  });

  it('survives a restart: with the worker stopped and its timer job lost, reconciling queues it again', async () => {
    const run = await engine.run(waitThen({ mode: 'duration', amount: 2, unit: 'seconds' }), { order: 8 });
    await waiting(run.id);
    await engine.stopWorker(worker);
    // The queue lost everything (PostgreSQL reset): SQLite is the record.
    await engine.pgPool.query(
      'select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where key like $1))',
      [`step:${run.id}:%`],
    );
    await reconcileUnfinishedRuns(engine.runs);
    const { rows } = await engine.pgPool.query<{ task_identifier: string }>(
      'select task_identifier from graphile_worker.jobs where key like $1',
      [`step:${run.id}:%`],
    );
    expect(rows.map((row) => row.task_identifier)).toEqual(['stepwise_wait_timer']);
    worker = await engine.startWorker({ publicUrl: stepwise.url });
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    expect(byNode(steps).after).toMatchObject({ output: { order: 8, waited: 'yes' } });
  });
});

//  Start ──▶ Send (set: url = {{ execution.resumeUrl }}) ──▶ Reply (wait for a callback) ──▶ After
//                                                              └─ timeout ──▶ Late
const callback = (timeout?: number): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('send', 'transform.set', 'Send', { fields: [{ path: 'url', value: '{{ execution.resumeUrl }}' }] }),
    node('reply', 'flow.wait', 'Reply', {
      mode: 'callback',
      ...(timeout ? { timeout, timeoutUnit: 'seconds' } : {}),
    }),
    node('after', 'transform.set', 'After', { fields: [{ path: 'got', value: 'reply' }] }),
    node('late', 'transform.set', 'Late', { fields: [{ path: 'got', value: 'nothing' }] }),
  ],
  edges: [edge('start', 'send'), edge('send', 'reply'), edge('reply', 'after'), edge('reply', 'late', 'timeout')],
});

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('a wait for a callback', () => {
  it('gives earlier steps its resume URL; a POST resumes it with the body, once; a wrong token is 404', async () => {
    const run = await engine.run(callback());
    await waiting(run.id);
    const url = (byNode(stepRunsNow(engine.store, run.id)).send?.output as { url: string } | undefined)?.url ?? '';
    expect(url.startsWith(`${stepwise.url}/hooks/resume/`)).toBe(true);

    const tampered = `${url.slice(0, -3)}${url.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await post(tampered, {})).status).toBe(404);

    const first = await post(url, { approved: true, by: 'partner' });
    expect(first.status).toBe(200);
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    expect(byNode(steps).reply).toMatchObject({
      status: 'succeeded',
      outputPort: 'main',
      output: { approved: true, by: 'partner' },
    });
    expect(byNode(steps).after).toMatchObject({ output: { approved: true, by: 'partner', got: 'reply' } });
    expect(byNode(steps).late?.status).toBe('skipped');

    const again = await post(url, { approved: false });
    expect(again.status).toBe(410);
  });

  it('reads a multipart callback as a webhook does: fields, and files byte for byte', async () => {
    const run = await engine.run(callback());
    await waiting(run.id);
    const url = (byNode(stepRunsNow(engine.store, run.id)).send?.output as { url: string } | undefined)?.url ?? '';
    const signed = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const form = new FormData();
    form.append('decision', 'approved');
    form.append('contract', new Blob([signed], { type: 'application/pdf' }), 'signed.pdf');
    expect((await fetch(url, { method: 'POST', body: form })).status).toBe(200);
    const { steps } = await engine.finished(run.id);
    expect(byNode(steps).reply?.output).toEqual({
      fields: { decision: 'approved' },
      files: [
        {
          field: 'contract',
          name: 'signed.pdf',
          type: 'application/pdf',
          size: 6,
          content: Buffer.from(signed).toString('base64'),
        },
      ],
    });
  });

  it('after its timeout leaves by `timeout`, and its URL no longer works', async () => {
    const run = await engine.run(callback(1));
    await waiting(run.id);
    const url = (byNode(stepRunsNow(engine.store, run.id)).send?.output as { url: string } | undefined)?.url ?? '';
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    expect(byNode(steps).reply).toMatchObject({ outputPort: 'timeout' });
    expect(byNode(steps).late).toMatchObject({ output: { url, got: 'nothing' } });
    expect((await post(url, {})).status).toBe(410);
  });
});

//  Start ──▶ Ask (approval by operators or higher) ─┬─ approved ──▶ Yes
//                                                    ├─ rejected ──▶ No
//                                                    └─ timeout ───▶ Late
const approval = (timeout?: number): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('ask', 'flow.wait', 'Ask', {
      mode: 'approval',
      role: 'operator',
      title: 'Refund {{ input.amount }} EUR?',
      message: 'Order {{ input.order }}',
      ...(timeout ? { timeout, timeoutUnit: 'seconds' } : {}),
    }),
    node('yes', 'transform.set', 'Yes', { fields: [{ path: 'branch', value: 'approved' }] }),
    node('no', 'transform.set', 'No', { fields: [{ path: 'branch', value: 'rejected' }] }),
    node('late', 'transform.set', 'Late', { fields: [{ path: 'branch', value: 'timeout' }] }),
  ],
  edges: [
    edge('start', 'ask'),
    edge('ask', 'yes', 'approved'),
    edge('ask', 'no', 'rejected'),
    edge('ask', 'late', 'timeout'),
  ],
});

async function pendingApprovalOf(executionId: string) {
  let found: { id: string; title: string; message: string; canDecide: boolean } | undefined;
  await waitUntil('its approval', async () => {
    const listed = await api.call('GET', `/api/v1/approvals?executionId=${executionId}`, undefined, { as: 'analyst' });
    found = (listed.body as { items: Array<NonNullable<typeof found> & { status: string }> }).items.find(
      (item) => item.status === 'pending',
    );
    return found !== undefined;
  });
  return found as NonNullable<typeof found>;
}

describe('a wait for an approval', () => {
  it('is listed for everyone, refused to a lower role (403 naming the role), decided once when two decide at once', async () => {
    const run = await engine.run(approval(), { amount: 40, order: 'A-1' });
    await waiting(run.id);
    const pending = await pendingApprovalOf(run.id);
    expect(pending).toMatchObject({ title: 'Refund 40 EUR?', message: 'Order A-1', canDecide: false });

    const refused = await api.call('POST', `/api/v1/approvals/${pending.id}/approve`, {}, { as: 'analyst' });
    expect(refused.status).toBe(403);
    expect((refused.body as { error: { message: string } }).error.message).toContain('operator role or higher');
    expect(status(run.id)).toBe('waiting');

    const [byOperator, byAdmin] = await Promise.all([
      api.call('POST', `/api/v1/approvals/${pending.id}/approve`, { comment: 'fine' }, { as: 'operator' }),
      api.call('POST', `/api/v1/approvals/${pending.id}/reject`, { comment: 'no' }, { as: 'admin' }),
    ]);
    expect([byOperator.status, byAdmin.status].sort()).toEqual([200, 409]);
    const winner = byOperator.status === 200 ? 'approved' : 'rejected';

    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    expect(nodes.ask).toMatchObject({
      outputPort: winner,
      output: { decision: winner, input: { amount: 40, order: 'A-1' } },
    });
    expect(nodes[winner === 'approved' ? 'yes' : 'no']?.status).toBe('succeeded');
    expect(nodes[winner === 'approved' ? 'no' : 'yes']?.status).toBe('skipped');
    const decided = await api.call('GET', `/api/v1/approvals?executionId=${run.id}`);
    expect((decided.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        status: winner,
        comment: winner === 'approved' ? 'fine' : 'no',
        decidedBy: expect.any(Object),
      }),
    ]);
    const audited = await api.call('GET', `/api/v1/audit?objectId=${run.id}`);
    expect(JSON.stringify(audited.body)).toContain(`approval.${winner}`);
  });

  it('times out by `timeout` when nobody decides in time', async () => {
    const run = await engine.run(approval(1), { amount: 1, order: 'A-2' });
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    expect(byNode(steps).ask).toMatchObject({ outputPort: 'timeout', output: { decision: 'timeout' } });
    expect(byNode(steps).late?.status).toBe('succeeded');
    const listed = await api.call('GET', `/api/v1/approvals?executionId=${run.id}`);
    expect((listed.body as { items: unknown[] }).items).toEqual([expect.objectContaining({ status: 'timed-out' })]);
  });

  it('is canceled with its waiting run: the step, the approval, and any late decision', async () => {
    const run = await engine.run(approval(), { amount: 2, order: 'A-3' });
    await waiting(run.id);
    const pending = await pendingApprovalOf(run.id);
    const canceled = await api.call('POST', `/api/v1/executions/${run.id}/cancel`, undefined, { as: 'operator' });
    expect(canceled.status).toBe(200);
    expect(status(run.id)).toBe('canceled');
    expect(byNode(stepRunsNow(engine.store, run.id)).ask?.status).toBe('canceled');
    const late = await api.call('POST', `/api/v1/approvals/${pending.id}/approve`, {}, { as: 'admin' });
    expect(late.status).toBe(409);
    const listed = await api.call('GET', `/api/v1/approvals?executionId=${run.id}`);
    expect((listed.body as { items: unknown[] }).items).toEqual([expect.objectContaining({ status: 'canceled' })]);
  });
});
