import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, testEngine } from '../testing/engine.ts';

/*
 * The list nodes (nodes/lists/) run by the real engine: their list fields are expressions the
 * sandbox evaluates, reading the input, the trigger and earlier steps' outputs.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
});
afterAll(async () => {
  await engine?.close();
});

const payload = {
  orders: [
    { id: 'o1', status: 'paid', customerId: 1, total: 30 },
    { id: 'o2', status: 'open', customerId: 2, total: 500 },
    { id: 'o3', status: 'paid', customerId: 2, total: '45.5' },
    { id: 'o4', status: 'paid', customerId: 1, total: 20 },
    { id: 'o5', status: 'paid', customerId: 3, total: 5 },
  ],
  customers: [
    { id: 1, name: 'Ada' },
    { id: 2, name: 'Grace' },
  ],
};

describe('list nodes in a run', () => {
  it('filter, merge by key, aggregate and sort hand their lists on, each output stored', async () => {
    //  Start ──▶ Paid (filter) ──▶ With names (merge by key) ──▶ Per customer (aggregate) ──▶ Smallest first (sort)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('paid', 'transform.filter', 'Paid', {
          items: '{{ input.orders }}',
          rules: [{ field: 'status', value: 'paid' }],
        }),
        node('names', 'transform.mergeByKey', 'With names', {
          right: '{{ steps.Start.output.customers }}',
          leftKey: 'customerId',
        }),
        node('totals', 'transform.aggregate', 'Per customer', {
          groupBy: ['name'],
          operations: [
            { operation: 'count', as: 'orders' },
            { operation: 'sum', field: 'total' },
          ],
        }),
        node('sort', 'transform.sort', 'Smallest first', {
          keys: [{ field: 'sum_total' }],
        }),
      ],
      edges: [edge('start', 'paid'), edge('paid', 'names'), edge('names', 'totals'), edge('totals', 'sort')],
    };
    const started = await engine.run(graph, payload);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    expect(nodes.paid?.output).toEqual([payload.orders[0], payload.orders[2], payload.orders[3], payload.orders[4]]);
    expect(nodes.names?.output).toEqual([
      { id: 'o1', status: 'paid', customerId: 1, total: 30, name: 'Ada' },
      { id: 'o3', status: 'paid', customerId: 2, total: '45.5', name: 'Grace' },
      { id: 'o4', status: 'paid', customerId: 1, total: 20, name: 'Ada' },
      { id: 'o5', status: 'paid', customerId: 3, total: 5 },
    ]);
    expect(nodes.totals?.output).toEqual([
      { name: 'Ada', orders: 2, sum_total: 50 },
      { name: 'Grace', orders: 1, sum_total: 45.5 },
      { name: null, orders: 1, sum_total: 5 },
    ]);
    expect(nodes.sort?.output).toEqual([
      { name: null, orders: 1, sum_total: 5 },
      { name: 'Grace', orders: 1, sum_total: 45.5 },
      { name: 'Ada', orders: 2, sum_total: 50 },
    ]);
    expect(steps.every((step) => step.attempt === 1 && step.status === 'succeeded')).toBe(true);
  });

  it('fails a list node given something other than a list at once, naming the field, later steps never run', async () => {
    //  Start ──▶ Split lines (split out) ──▶ First two (limit)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('split', 'transform.splitOut', 'Split lines', { field: 'lines', keepParentFields: true }),
        node('limit', 'transform.limit', 'First two', { items: '{{ input }}', count: 2 }),
      ],
      edges: [edge('start', 'split'), edge('split', 'limit')],
    };
    const good = await engine.run(graph, { id: 7, lines: [{ sku: 'A' }, { sku: 'B' }, { sku: 'C' }] });
    const done = await engine.finished(good.id);
    expect(done.execution.status).toBe('succeeded');
    expect(byNode(done.steps).limit?.output).toEqual([
      { id: 7, sku: 'A' },
      { id: 7, sku: 'B' },
    ]);

    const bad = await engine.run(graph, { id: 8, lines: 'A,B' });
    const { execution, steps } = await engine.finished(bad.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toEqual({
      nodeId: 'split',
      nodeName: 'Split lines',
      message: 'config.field: "lines" should hold a list, but holds a string: "A,B"',
    });
    const split = steps.filter((step) => step.nodeId === 'split');
    expect(split).toHaveLength(1);
    expect(split[0]?.error).toMatchObject({ name: 'NonRetryableError', retryable: false });
    expect(steps.map((step) => step.nodeId)).toEqual(['start', 'split']);
  });
});
