import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, stepRunsNow, testEngine, testHttpServer } from '../testing/engine.ts';
import { storeFile } from '../testing/store.ts';
import { DISPLAY_CAP_BYTES } from './data-caps.ts';
import { retryRun } from './runs.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
});
afterAll(async () => {
  await engine?.close();
});

describe('data between steps', () => {
  it('gives every step its parent’s output as input, with trigger and earlier steps in scope', async () => {
    //  Start ──▶ Look up ──▶ Shape ──▶ Sum up (script)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('lookup', 'transform.set', 'Look up', {
          fields: [{ path: 'customer.email', value: '{{ trigger.email.toLowerCase() }}' }],
          keepInput: false,
        }),
        node('shape', 'transform.set', 'Shape', {
          fields: [
            { path: 'email', value: '{{ input.customer.email }}' },
            { path: 'again', value: '{{ steps["Look up"].output.customer.email }}' },
            { path: 'items', value: '{{ trigger.items.length }}' },
          ],
          keepInput: false,
        }),
        node('sum', 'transform.script', 'Sum up', {
          code: 'return { email: input.email, first: steps["Look up"].output.customer.email, n: input.items, raw: trigger.email };',
        }),
      ],
      edges: [edge('start', 'lookup'), edge('lookup', 'shape'), edge('shape', 'sum')],
    };
    const payload = { email: 'ADA@Example.com', items: [1, 2, 3] };
    const started = await engine.run(graph, payload);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    expect(nodes.start?.input).toEqual(payload);
    expect(nodes.start?.output).toEqual(payload);
    expect(nodes.lookup?.input).toEqual(payload);
    expect(nodes.shape?.input).toEqual({ customer: { email: 'ada@example.com' } });
    expect(nodes.shape?.output).toEqual({ email: 'ada@example.com', again: 'ada@example.com', items: 3 });
    expect(nodes.sum?.output).toEqual({
      email: 'ada@example.com',
      first: 'ada@example.com',
      n: 3,
      raw: 'ADA@Example.com',
    });
  });

  it('stores a big output truncated with a marker and its size, and still passes it on whole', async () => {
    //  Start ──▶ Big (script) ──▶ Measure (script, also reads steps.Big)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('big', 'transform.script', 'Big', { code: `return { text: 'x'.repeat(${DISPLAY_CAP_BYTES + 1000}) };` }),
        node('measure', 'transform.script', 'Measure', {
          code: 'return { length: input.text.length, again: steps.Big.output.text.length };',
        }),
      ],
      edges: [edge('start', 'big'), edge('big', 'measure')],
    };
    const started = await engine.run(graph);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    const size = DISPLAY_CAP_BYTES + 1000;
    const marker = {
      $truncated: true,
      originalBytes: size + '{"text":""}'.length,
      preview: `{"text":"${'x'.repeat(2000 - '{"text":"'.length)}`,
    };
    // What people read of Big is a marker with the size and the first 2000 characters…
    expect(nodes.big?.output).toEqual(marker);
    expect(nodes.big?.truncated).toBe(true);
    // …while the next step got all of it, as input and through `steps`…
    expect(nodes.measure?.output).toEqual({ length: size, again: size });
    // …and its own stored input is capped the same way.
    expect(nodes.measure?.input).toEqual(marker);
    expect(nodes.measure?.truncated).toBe(true);

    // The whole output is kept beside the marker until retention finds the run succeeded.
    const whole = () =>
      storeFile(engine.store).get(
        "select output_full as whole from step_runs where execution_id = ? and node_id = 'big'",
        started.id,
      ) as { whole: string | null };
    expect(JSON.parse(whole().whole ?? 'null')).toEqual({ text: 'x'.repeat(size) });
    expect(await engine.repos.executions.clearSpentOutputs('2000-01-01T00:00:00.000Z')).toBe(0); // ended later
    expect(await engine.repos.executions.clearSpentOutputs(new Date(Date.now() + 1000).toISOString())).toBe(1);
    expect(whole().whole).toBeNull();
    expect(byNode(stepRunsNow(engine.store, started.id)).big?.output).toEqual(marker);
  });

  it('resumes a failed run with a capped output whole, and keeps it until then', async () => {
    //  Start ──▶ Big (script) ──▶ Send (HTTP: refused the first time, accepted the second)
    let calls = 0;
    const server = await testHttpServer((_, response) => {
      calls++;
      response.writeHead(calls === 1 ? 400 : 200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    try {
      const size = DISPLAY_CAP_BYTES * 2;
      const graph: Graph = {
        nodes: [
          node('start', 'trigger.manual', 'Start'),
          node('big', 'transform.script', 'Big', { code: `return { text: 'y'.repeat(${size}) };` }),
          node('send', 'action.http', 'Send', {
            method: 'POST',
            url: server.url,
            body: { length: '{{ input.text.length }}' },
          }),
        ],
        edges: [edge('start', 'big'), edge('big', 'send')],
      };
      const started = await engine.run(graph);
      const failed = await engine.finished(started.id);
      expect(failed.execution.status).toBe('failed');
      // A failed run is not spent: retention leaves its whole outputs for a retry.
      expect(await engine.repos.executions.clearSpentOutputs(new Date(Date.now() + 1000).toISOString())).toBe(0);

      const resumed = await retryRun(engine.runs, started.id, 'from-failure');
      const { execution, steps } = await engine.finished(resumed.id);
      expect(execution.status).toBe('succeeded');
      const nodes = byNode(steps);
      expect(nodes.big?.reused).toBe(true);
      expect(nodes.big?.output).toMatchObject({ $truncated: true });
      // The resumed step was handed all of Big's output, not its marker.
      expect(JSON.parse(server.requests[1]?.body ?? '{}')).toEqual({ length: size });
    } finally {
      await server.close();
    }
  });
});
