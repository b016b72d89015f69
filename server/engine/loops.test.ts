import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from '../core/graph/model.ts';
import { testApi } from '../testing/api.ts';
import {
  edge,
  node,
  spawnWorkerProcess,
  stepRunsNow,
  testEngine,
  testHttpServer,
  waitUntil,
} from '../testing/engine.ts';
import { retryRun, startRun } from './runs.ts';

/*
 * Loops through the real engine: SQLite, PostgreSQL's queue, isolates, HTTP on 127.0.0.1.
 *
 *   Start ──▶ Each (loop over trigger.items) ══body══▶ [ … ] ──▶ Each ──done──▶ After
 */
let engine: Awaited<ReturnType<typeof testEngine>>;
let inProcess: Awaited<ReturnType<(typeof engine)['startWorker']>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
/** How the `/item` endpoint answers item `n`: `fail-once` answers 400 the first time. */
const behaviour = new Map<number, 'fail-once' | 'slow'>();
const seen = new Map<number, number>();

beforeAll(async () => {
  engine = await testEngine({ concurrency: 8 });
  inProcess = await engine.startWorker();
  http = await testHttpServer((request, response) => {
    const { n } = JSON.parse(request.body || '{}') as { n: number };
    const times = (seen.get(n) ?? 0) + 1;
    seen.set(n, times);
    const answer = () => {
      if (behaviour.get(n) === 'fail-once' && times === 1) {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end('{"error":"bad item"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ got: n }));
    };
    if (behaviour.get(n) === 'slow') setTimeout(answer, 1500);
    else answer();
  });
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

const inLoop = (child: GraphNode, loop = 'each'): GraphNode => ({ ...child, parentId: loop });

/** A loop over `trigger.items` whose body is `body` (start first, end last, chained). */
function loopGraph(loopConfig: Record<string, unknown>, body: GraphNode[]): Graph {
  const chain = body.map((child) => inLoop(child));
  return {
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('each', 'flow.loop', 'Each', { items: '{{ trigger.items }}', ...loopConfig }),
      ...chain,
      node('after', 'transform.set', 'After', { fields: [{ path: 'count', value: '{{ input.length }}' }] }),
    ],
    edges: [
      edge('start', 'each'),
      edge('each', chain[0]?.id as string, 'body'),
      ...chain.slice(1).map((child, index) => edge(chain[index]?.id as string, child.id)),
      edge(chain.at(-1)?.id as string, 'each'),
      edge('each', 'after', 'done'),
    ],
  };
}

const call = () =>
  node('call', 'action.http', 'Call', { method: 'POST', url: `${http.url}/item`, body: { n: '{{ item.n }}' } });

const items = (count: number, from = 0) => Array.from({ length: count }, (_, index) => ({ n: from + index }));

const requestsFor = (n: number) => http.requests.filter((request) => JSON.parse(request.body).n === n);

describe('a loop of 200 items through the engine', () => {
  let executionId: string;
  const graph = loopGraph({}, [
    node('double', 'transform.set', 'Double', {
      fields: [{ path: 'value', value: '{{ item.n * 2 }}' }],
      keepInput: false,
    }),
    node('label', 'transform.set', 'Label', {
      fields: [{ path: 'label', value: '#{{ index }}: {{ steps.Double.output.value }} of {{ trigger.items.length }}' }],
      keepInput: false,
    }),
  ]);

  beforeAll(async () => {
    executionId = (await engine.run(graph, { items: items(200) })).id;
    const { execution } = await engine.finished(executionId, 60_000);
    expect(execution.status).toBe('succeeded');
  }, 90_000);

  it("stores every iteration's steps under its scope and passes on their outputs in item order", () => {
    const steps = stepRunsNow(engine.store, executionId);
    expect(steps.filter((step) => step.scope !== '' && step.status === 'succeeded')).toHaveLength(400);
    const each = steps.find((step) => step.nodeId === 'each');
    expect(each).toMatchObject({ status: 'succeeded', outputPort: 'done' });
    const output = each?.output as Array<{ label: string }>;
    expect(output).toHaveLength(200);
    expect(output[0]).toEqual({ label: '#0: 0 of 200' });
    expect(output[199]).toEqual({ label: '#199: 398 of 200' });
    expect(steps.find((step) => step.nodeId === 'after')?.output).toEqual({ count: 200 });
  });

  it('is paged by the execution API: the top scope, iterations a page at a time, one scope on asking', async () => {
    const api = testApi({ store: engine.store });
    const detail = await api.call('GET', `/api/v1/executions/${executionId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.steps.map((step: { nodeId: string }) => step.nodeId)).toEqual(['start', 'each', 'after']);
    expect(detail.body.steps[1].iterations).toEqual({ total: 200, succeeded: 200, failed: 0, skipped: 0, running: 0 });

    const first = await api.call('GET', `/api/v1/executions/${executionId}/iterations?node=each&limit=150`);
    expect(first.body.items).toHaveLength(150);
    expect(first.body.items[7]).toEqual({ index: 7, scope: '7', status: 'succeeded' });
    expect(first.body.nextCursor).toBe(150);
    const second = await api.call(
      'GET',
      `/api/v1/executions/${executionId}/iterations?node=each&cursor=${first.body.nextCursor}&limit=150`,
    );
    expect(second.body.items.map((item: { index: number }) => item.index)).toEqual(
      Array.from({ length: 50 }, (_, index) => 150 + index),
    );
    expect(second.body.nextCursor).toBeNull();
    const failed = await api.call('GET', `/api/v1/executions/${executionId}/iterations?node=each&status=failed`);
    expect(failed.body).toEqual({ items: [], nextCursor: null });
    expect((await api.call('GET', `/api/v1/executions/${executionId}/iterations?node=each&limit=501`)).status).toBe(
      400,
    );

    const scoped = await api.call('GET', `/api/v1/executions/${executionId}/steps?scope=42`);
    expect(scoped.body.steps.map((step: { nodeId: string; scope: string }) => `${step.nodeId}#${step.scope}`)).toEqual([
      'double#42',
      'label#42',
    ]);
    expect(scoped.body.steps[0].input).toEqual({ n: 42 });
    api.cleanup();
  });
});

describe('a loop of HTTP calls', () => {
  it('runs them at the concurrency asked, each item with its own idempotency key', async () => {
    const execution = await engine.run(loopGraph({ concurrency: 4 }, [call()]), { items: items(12, 1000) });
    const { execution: done, steps } = await engine.finished(execution.id, 30_000);
    expect(done.status).toBe('succeeded');
    const keys = items(12, 1000).map(({ n }) => requestsFor(n).map((request) => request.headers['idempotency-key']));
    // One request per item, and twelve distinct keys (invariant "stable idempotency key").
    expect(keys.every((each) => each.length === 1)).toBe(true);
    expect(new Set(keys.flat()).size).toBe(12);
    expect(keys[3]?.[0]).toBe(`${execution.id}:call:3`);
    const output = steps.find((step) => step.nodeId === 'each')?.output as Array<{ body: { got: number } }>;
    expect(output.map((each) => each.body.got)).toEqual(items(12, 1000).map(({ n }) => n));
  }, 60_000);
});

describe('a loop that stopped on a failed item, retried from the failure', () => {
  it('calls again only the failed item (and those never reached); the output is complete and in order', async () => {
    behaviour.set(2003, 'fail-once');
    const graph = loopGraph({ concurrency: 1 }, [call()]);
    const first = await engine.run(graph, { items: items(6, 2000) });
    const failed = await engine.finished(first.id, 30_000);
    expect(failed.execution.status).toBe('failed');
    expect(failed.execution.error).toMatchObject({ nodeId: 'call', message: expect.stringContaining('Each, item 4:') });
    expect([2000, 2001, 2002, 2003, 2004, 2005].map((n) => requestsFor(n).length)).toEqual([1, 1, 1, 1, 0, 0]);

    const retry = await retryRun(engine.runs, first.id, 'from-failure');
    const { execution: done, steps } = await engine.finished(retry.id, 30_000);
    expect(done.status).toBe('succeeded');
    // Items 0-2 were copied, not called again; item 3 once more (its key unchanged), 4 and 5 for the first time.
    expect([2000, 2001, 2002, 2003, 2004, 2005].map((n) => requestsFor(n).length)).toEqual([1, 1, 1, 2, 1, 1]);
    const [firstKey, againKey] = requestsFor(2003).map((request) => request.headers['idempotency-key']);
    expect(againKey).toBe(firstKey);
    expect(steps.filter((step) => step.nodeId === 'call' && step.reused).map((step) => step.scope)).toEqual([
      '0',
      '1',
      '2',
    ]);
    const output = steps.find((step) => step.nodeId === 'each')?.output as Array<{ body: { got: number } }>;
    expect(output.map((each) => each.body.got)).toEqual([2000, 2001, 2002, 2003, 2004, 2005]);
  }, 60_000);
});

describe('a loop whose items fail, skipped or collected', () => {
  it.each([
    ['skip', [3000, 3002]],
    ['collect', [3100, { error: { message: expect.stringContaining('400') }, index: 1 }, 3102]],
  ])(
    '%s',
    async (onItemError, expected) => {
      const base = onItemError === 'skip' ? 3000 : 3100;
      behaviour.set(base + 1, 'fail-once');
      const execution = await engine.run(loopGraph({ onItemError }, [call()]), { items: items(3, base) });
      const { execution: done, steps } = await engine.finished(execution.id, 30_000);
      expect(done.status).toBe('succeeded');
      const list = (steps.find((step) => step.nodeId === 'each')?.output ?? []) as unknown[];
      const output = list.map((each) =>
        typeof each === 'object' && each !== null && 'body' in each
          ? (each as { body: { got: number } }).body.got
          : each,
      );
      expect(output).toEqual(expected);
    },
    60_000,
  );
});

describe('a loop refusing a list over its maximum', () => {
  it('fails the loop step with a clear error, before any iteration', async () => {
    const execution = await engine.run(loopGraph({ maxItems: 5 }, [call()]), { items: items(6, 4000) });
    const { execution: done, steps } = await engine.finished(execution.id, 30_000);
    expect(done.status).toBe('failed');
    expect(steps.find((step) => step.nodeId === 'each')?.error).toMatchObject({
      message: "config.items: the list has 6 items, more than this loop's maximum of 5",
    });
    expect(steps.filter((step) => step.scope !== '')).toEqual([]);
  }, 30_000);
});

describe('a worker killed in the middle of a loop', () => {
  const workers: ChildProcess[] = [];
  afterAll(() => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('loses no iteration, and runs no action again past its claim', async () => {
    // Only worker processes take this run's jobs: the in-process worker stops first (once: the
    // engine's close would stop it again).
    await inProcess.stop();
    inProcess.stop = async () => {};
    for (const n of [5000, 5001, 5002, 5003, 5004, 5005]) behaviour.set(n, 'slow');
    const first = await spawnWorkerProcess(engine);
    workers.push(first);
    const { workflow, version } = engine.workflow(loopGraph({ concurrency: 2 }, [call()]));
    const execution = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: { items: items(6, 5000) },
    });
    // Items 0 and 1 done, 2 and 3 in flight: kill the worker mid-call.
    await waitUntil(
      'two items are done and two are being called',
      () => {
        const calls = stepRunsNow(engine.store, execution.id).filter((step) => step.nodeId === 'call');
        return (
          calls.filter((step) => step.status === 'succeeded').length >= 2 &&
          calls.filter((step) => step.status === 'running').length === 2
        );
      },
      30_000,
    );
    const doneBefore = stepRunsNow(engine.store, execution.id)
      .filter((step) => step.nodeId === 'call' && step.status === 'succeeded')
      .map((step) => step.scope);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    workers.push(await spawnWorkerProcess(engine));

    const { execution: done, steps } = await engine.finished(execution.id, 60_000);
    expect(done.status).toBe('succeeded');
    const calls = steps.filter((step) => step.nodeId === 'call');
    // Every item has exactly one attempt, stored once.
    expect(calls.map((step) => [step.scope, step.attempt, step.status]).sort()).toEqual(
      ['0', '1', '2', '3', '4', '5'].map((scope) => [scope, 1, 'succeeded']),
    );
    for (const [index, n] of [5000, 5001, 5002, 5003, 5004, 5005].entries()) {
      const requests = requestsFor(n);
      // An item finished before the crash was never called again; one in flight was called again
      // only by the job that held its claim, with the same key; the others once.
      if (doneBefore.includes(String(index))) expect(requests).toHaveLength(1);
      else expect(requests.length).toBeLessThanOrEqual(2);
      expect(new Set(requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    }
    const output = steps.find((step) => step.nodeId === 'each')?.output as Array<{ body: { got: number } }>;
    expect(output.map((each) => each.body.got)).toEqual([5000, 5001, 5002, 5003, 5004, 5005]);
  }, 120_000);
});
