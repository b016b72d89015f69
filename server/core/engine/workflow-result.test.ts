import { describe, expect, it } from 'vitest';
import { graphOrder } from '../graph/order.ts';
import { graphOf } from './ascii-graph.ts';
import { type ResultStep, workflowResult } from './workflow-result.ts';

const ok = (nodeId: string, attempt = 1, scope = ''): ResultStep => ({ nodeId, scope, attempt });

describe('graphOrder', () => {
  it('puts every node after the nodes that lead to it, ties by the order of graph.nodes', () => {
    // Declared out of flow order: "b" before "a", "late" first of all.
    const graph = graphOf(`
      late: transform.set
      start: trigger.manual
      b: transform.set
      a: transform.set
      join: flow.merge
      start -> a -> join
      start -> b -> join
      join -> late
    `);
    expect(graphOrder(graph)).toEqual(['start', 'b', 'a', 'join', 'late']);
  });

  it("puts a loop's body right after the loop and before what follows it, however the nodes are declared", () => {
    //   hook ──▶ each ══body══▶ [ check ──▶ tidy ] ──▶ each ──done──▶ sum
    // Declared as an editor leaves them when steps are added later: "sum" before the loop, "check" last.
    const node = (id: string, type: string, parentId?: string) => ({
      id,
      type,
      name: id,
      position: { x: 0, y: 0 },
      config: {},
      ...(parentId ? { parentId } : {}),
    });
    const edge = (source: string, target: string, sourcePort = 'main') => ({
      id: `${source}-${sourcePort}-${target}`,
      source,
      sourcePort,
      target,
    });
    const graph = {
      nodes: [
        node('hook', 'trigger.webhook'),
        node('sum', 'transform.set'),
        node('each', 'flow.loop'),
        node('tidy', 'transform.set', 'each'),
        node('check', 'action.http', 'each'),
      ],
      edges: [
        edge('hook', 'each'),
        edge('each', 'check', 'body'),
        edge('check', 'tidy'),
        edge('tidy', 'each'),
        edge('each', 'sum', 'done'),
      ],
    };
    expect(graphOrder(graph)).toEqual(['hook', 'each', 'check', 'tidy', 'sum']);
    // The run's result is what ran last at the top level: "sum", not the loop.
    const succeeded = [ok('hook'), ok('check', 1, '0'), ok('tidy', 1, '0'), ok('each'), ok('sum')];
    expect(workflowResult(graph, { succeeded })).toEqual({ kind: 'last-step', step: ok('sum') });
  });

  it('places nodes on a cycle last, in graph.nodes order, rather than loop', () => {
    const graph = {
      nodes: graphOf('x: trigger.manual\ny: transform.set\nz: transform.set').nodes,
      edges: [] as never[],
    };
    graph.edges = [
      { id: 'e1', source: 'y', sourcePort: 'main', target: 'z' },
      { id: 'e2', source: 'z', sourcePort: 'main', target: 'y' },
    ] as never;
    expect(graphOrder(graph)).toEqual(['x', 'y', 'z']);
  });
});

/*
 *   start ──▶ left ──▶ slow
 *     └─────▶ right
 */
const FORK = graphOf(`
  start: trigger.manual
  left: transform.set
  slow: transform.set
  right: transform.set
  start -> left -> slow
  start -> right
`);

describe('workflowResult', () => {
  it('is the step that answered the webhook when one did', () => {
    expect(workflowResult(FORK, { answered: ok('left'), succeeded: [ok('start'), ok('left'), ok('right')] })).toEqual({
      kind: 'respond',
      step: ok('left'),
    });
  });

  it('else the last succeeded step in graph order, however the steps finished', () => {
    // "right" comes last in graph order (the order of `nodes` breaks the tie with "slow"); the
    // order steps are listed in (when they finished) does not matter.
    const all = [ok('start'), ok('right'), ok('left'), ok('slow')];
    expect(workflowResult(FORK, { succeeded: all })).toEqual({ kind: 'last-step', step: ok('right') });
    expect(workflowResult(FORK, { succeeded: [...all].reverse() })).toEqual({ kind: 'last-step', step: ok('right') });
  });

  it('skips steps that did not succeed, and counts a step once, at its latest attempt', () => {
    expect(workflowResult(FORK, { succeeded: [ok('start'), ok('left')] })).toEqual({
      kind: 'last-step',
      step: ok('left'),
    });
    expect(workflowResult(FORK, { succeeded: [ok('start'), ok('slow', 3)] }).kind).toBe('last-step');
    expect(workflowResult(FORK, { succeeded: [ok('start'), ok('slow', 3)] })).toMatchObject({ step: { attempt: 3 } });
  });

  it("leaves steps inside loops out: a loop's own output is what counts", () => {
    expect(workflowResult(FORK, { succeeded: [ok('start'), ok('left'), ok('right', 1, '0')] })).toEqual({
      kind: 'last-step',
      step: ok('left'),
    });
  });

  it('is none when nothing succeeded', () => {
    expect(workflowResult(FORK, { succeeded: [] })).toEqual({ kind: 'none' });
  });
});
