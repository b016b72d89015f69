import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import type { StepRunRow } from '../store/steps.ts';
import { byNode, edge, node, testEngine } from '../testing/engine.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
});
afterAll(async () => {
  await engine?.close();
});

const statuses = (steps: readonly StepRunRow[]) =>
  Object.fromEntries(steps.map((step) => [step.nodeId, step.status] as const));

describe('if', () => {
  //                    ┌─true──▶ Yes ──▶ Yes again
  //  Start ──▶ Big? ───┤
  //                    └─false─▶ No ───▶ No again ──▶ No at last
  const graph: Graph = {
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('big', 'condition.if', 'Big?', {
        rules: [{ left: '{{ input.total }}', operator: 'greaterThan', right: '100' }],
      }),
      node('yes', 'transform.set', 'Yes', { fields: [{ path: 'branch', value: 'yes' }] }),
      node('yes2', 'transform.set', 'Yes again', { fields: [{ path: 'again', value: '{{ input.branch }}!' }] }),
      node('no', 'transform.set', 'No', { fields: [{ path: 'branch', value: 'no' }] }),
      node('no2', 'transform.set', 'No again', { fields: [{ path: 'again', value: '{{ input.branch }}!' }] }),
      node('no3', 'transform.set', 'No at last', { fields: [{ path: 'last', value: 'true' }] }),
    ],
    edges: [
      edge('start', 'big'),
      edge('big', 'yes', 'true'),
      edge('yes', 'yes2'),
      edge('big', 'no', 'false'),
      edge('no', 'no2'),
      edge('no2', 'no3'),
    ],
  };

  it('runs only the true branch and marks the whole false branch skipped', async () => {
    const started = await engine.run(graph, { total: 150 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(execution.error).toBeNull();
    expect(statuses(steps)).toEqual({
      start: 'succeeded',
      big: 'succeeded',
      yes: 'succeeded',
      yes2: 'succeeded',
      no: 'skipped',
      no2: 'skipped',
      no3: 'skipped',
    });
    expect(steps).toHaveLength(7); // one row per node: nothing ran twice
    const nodes = byNode(steps);
    expect(nodes.big?.outputPort).toBe('true');
    expect(nodes.big?.output).toEqual({ total: 150 }); // an If passes its input on unchanged
    expect(nodes.yes?.input).toEqual({ total: 150 });
    expect(nodes.yes2?.output).toEqual({ total: 150, branch: 'yes', again: 'yes!' });
    for (const id of ['no', 'no2', 'no3']) {
      expect(nodes[id]).toMatchObject({ attempt: 1, output: null, outputPort: null, input: null, reused: false });
      expect(nodes[id]?.finishedAt).not.toBeNull();
    }
  });

  it('runs only the false branch, down to its last node, and skips the true branch', async () => {
    const started = await engine.run(graph, { total: 7 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(statuses(steps)).toEqual({
      start: 'succeeded',
      big: 'succeeded',
      yes: 'skipped',
      yes2: 'skipped',
      no: 'succeeded',
      no2: 'succeeded',
      no3: 'succeeded',
    });
    const nodes = byNode(steps);
    expect(nodes.big?.outputPort).toBe('false');
    expect(nodes.no3?.output).toEqual({ total: 7, branch: 'no', again: 'no!', last: 'true' });
  });
});

describe('switch', () => {
  //                      ┌─big──────▶ Big ──▶ Big after
  //  Start ──▶ Route ────┼─positive─▶ Positive
  //                      └─default──▶ Other
  const graph: Graph = {
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('route', 'condition.switch', 'Route', {
        value: '{{ input.amount }}',
        cases: [
          { port: 'big', operator: 'greaterThan', value: '100' },
          { port: 'positive', operator: 'greaterThan', value: '0' },
        ],
      }),
      node('big', 'transform.set', 'Big', { fields: [{ path: 'route', value: 'big' }] }),
      node('bigAfter', 'transform.set', 'Big after', { fields: [{ path: 'after', value: '{{ input.route }}' }] }),
      node('positive', 'transform.set', 'Positive', { fields: [{ path: 'route', value: 'positive' }] }),
      node('other', 'transform.set', 'Other', { fields: [{ path: 'route', value: 'other' }] }),
    ],
    edges: [
      edge('start', 'route'),
      edge('route', 'big', 'big'),
      edge('big', 'bigAfter'),
      edge('route', 'positive', 'positive'),
      edge('route', 'other', 'default'),
    ],
  };

  it('takes the first case that matches, even when a later one matches too', async () => {
    const started = await engine.run(graph, { amount: 150 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(statuses(steps)).toEqual({
      start: 'succeeded',
      route: 'succeeded',
      big: 'succeeded',
      bigAfter: 'succeeded',
      positive: 'skipped',
      other: 'skipped',
    });
    const nodes = byNode(steps);
    expect(nodes.route?.outputPort).toBe('big');
    expect(nodes.bigAfter?.output).toEqual({ amount: 150, route: 'big', after: 'big' });
  });

  it('takes a later case when only it matches', async () => {
    const started = await engine.run(graph, { amount: 5 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(statuses(steps)).toEqual({
      start: 'succeeded',
      route: 'succeeded',
      big: 'skipped',
      bigAfter: 'skipped',
      positive: 'succeeded',
      other: 'skipped',
    });
    expect(byNode(steps).route?.outputPort).toBe('positive');
  });

  it('takes default when no case matches', async () => {
    const started = await engine.run(graph, { amount: -3 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(statuses(steps)).toEqual({
      start: 'succeeded',
      route: 'succeeded',
      big: 'skipped',
      bigAfter: 'skipped',
      positive: 'skipped',
      other: 'succeeded',
    });
    const nodes = byNode(steps);
    expect(nodes.route?.outputPort).toBe('default');
    expect(nodes.other?.output).toEqual({ amount: -3, route: 'other' });
  });
});

describe('merge', () => {
  //                    ┌─true──▶ A ──┐
  //  Start ──▶ Big? ───┤             ├──▶ Join ──▶ After
  //                    └─false─▶ B ──┘
  const afterBranch: Graph = {
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('big', 'condition.if', 'Big?', {
        rules: [{ left: '{{ input.total }}', operator: 'greaterThan', right: '100' }],
      }),
      node('a', 'transform.set', 'A', { fields: [{ path: 'from', value: 'a' }], keepInput: false }),
      node('b', 'transform.set', 'B', { fields: [{ path: 'from', value: 'b' }], keepInput: false }),
      node('join', 'flow.merge', 'Join', { mode: 'byName' }),
      node('after', 'transform.set', 'After', { fields: [{ path: 'total', value: '{{ trigger.total }}' }] }),
    ],
    edges: [
      edge('start', 'big'),
      edge('big', 'a', 'true'),
      edge('big', 'b', 'false'),
      edge('a', 'join'),
      edge('b', 'join'),
      edge('join', 'after'),
    ],
  };

  it('after a branch, runs once with the output of the branch that ran, not waiting for the skipped one', async () => {
    for (const [total, ran, skipped] of [
      [150, 'a', 'b'],
      [1, 'b', 'a'],
    ] as const) {
      const started = await engine.run(afterBranch, { total });
      const { execution, steps } = await engine.finished(started.id);
      expect(execution.status).toBe('succeeded');
      const name = ran.toUpperCase();
      expect(statuses(steps)).toMatchObject({ [ran]: 'succeeded', [skipped]: 'skipped', join: 'succeeded' });
      expect(steps.filter((step) => step.nodeId === 'join')).toHaveLength(1);
      const nodes = byNode(steps);
      expect(nodes.join?.input).toEqual({ [name]: { from: ran } });
      expect(nodes.join?.output).toEqual({ [name]: { from: ran } });
      expect(nodes.after?.output).toEqual({ [name]: { from: ran }, total });
    }
  });

  //            ┌──▶ A ──┐
  //  Start ────┤        ├──▶ Join ──▶ After
  //            └──▶ B ──┘
  const split = (mode: 'byName' | 'list'): Graph => ({
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('a', 'transform.set', 'A', { fields: [{ path: 'a', value: '{{ input.n * 2 }}' }], keepInput: false }),
      node('b', 'transform.script', 'B', { code: 'return { b: input.n + 1 };' }),
      node('join', 'flow.merge', 'Join', { mode }),
      node('after', 'transform.set', 'After', { fields: [{ path: 'seen', value: 'yes' }] }),
    ],
    edges: [edge('start', 'a'), edge('start', 'b'), edge('a', 'join'), edge('b', 'join'), edge('join', 'after')],
  });

  it('after a parallel split, runs exactly once with both outputs by name (many runs at once)', async () => {
    const graph = split('byName');
    const started = await Promise.all(Array.from({ length: 8 }, (_, n) => engine.run(graph, { n })));
    for (const [n, execution] of started.entries()) {
      const { execution: done, steps } = await engine.finished(execution.id);
      expect(done.status).toBe('succeeded');
      expect(steps.map((step) => step.status)).toEqual(Array(5).fill('succeeded'));
      expect(steps.filter((step) => step.nodeId === 'join')).toHaveLength(1);
      expect(steps.filter((step) => step.nodeId === 'after')).toHaveLength(1);
      const nodes = byNode(steps);
      expect(nodes.join?.input).toEqual({ A: { a: n * 2 }, B: { b: n + 1 } });
      expect(nodes.after?.output).toEqual({ A: { a: n * 2 }, B: { b: n + 1 }, seen: 'yes' });
    }
  });

  it('in list mode, passes the outputs on as a list, in the order of its inbound edges', async () => {
    const started = await engine.run(split('list'), { n: 4 });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    expect(byNode(steps).join?.output).toEqual([{ a: 8 }, { b: 5 }]);
  });
});
