import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph.ts';
import { DISPLAY_CAP_BYTES } from './data-caps.ts';
import { byNode, edge, node, testEngine } from './test-engine.ts';

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

  it('passes a big output on whole, but stores the next step’s input truncated with a marker', async () => {
    //  Start ──▶ Big (script) ──▶ Measure (script)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('big', 'transform.script', 'Big', { code: `return { text: 'x'.repeat(${DISPLAY_CAP_BYTES + 1000}) };` }),
        node('measure', 'transform.script', 'Measure', { code: 'return { length: input.text.length };' }),
      ],
      edges: [edge('start', 'big'), edge('big', 'measure')],
    };
    const started = await engine.run(graph);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    const size = DISPLAY_CAP_BYTES + 1000;
    expect(nodes.big?.output).toEqual({ text: 'x'.repeat(size) });
    expect(nodes.big?.truncated).toBe(false);
    // The next step got all of it…
    expect(nodes.measure?.output).toEqual({ length: size });
    // …while its stored input is a marker with the size and the first 2000 characters.
    expect(nodes.measure?.input).toEqual({
      $truncated: true,
      originalBytes: size + '{"text":""}'.length,
      preview: `{"text":"${'x'.repeat(2000 - '{"text":"'.length)}`,
    });
    expect(nodes.measure?.truncated).toBe(true);
  });
});
