import { describe, expect, it } from 'vitest';
import type { ExecutionDetail, Graph, GraphNode, StepRun } from '../api/types.ts';
import { expressionPaths } from '../forms/completions.ts';
import { scopeFor, upstreamNames } from './scope.ts';

const node = (id: string, type: string, parentId?: string): GraphNode => ({
  id,
  type,
  name: id,
  position: { x: 0, y: 0 },
  config: {},
  ...(parentId ? { parentId } : {}),
});

//  Start ─▶ Each ┌ body─▶ Fetch ─▶ Shape ─(back to Each) ┐ ─done─▶ After
const graph: Graph = {
  nodes: [
    node('Start', 'trigger.manual'),
    node('Each', 'flow.loop'),
    node('Fetch', 'action.http', 'Each'),
    node('Shape', 'transform.set', 'Each'),
    node('After', 'transform.set'),
  ],
  edges: [
    { id: 'a', source: 'Start', sourcePort: 'main', target: 'Each' },
    { id: 'b', source: 'Each', sourcePort: 'body', target: 'Fetch' },
    { id: 'c', source: 'Fetch', sourcePort: 'main', target: 'Shape' },
    { id: 'd', source: 'Shape', sourcePort: 'main', target: 'Each' },
    { id: 'e', source: 'Each', sourcePort: 'done', target: 'After' },
  ],
};

describe('what expressions may read around loops', () => {
  it('offers a body’s steps inside it, and outside only the loop', () => {
    expect(upstreamNames(graph, 'Shape')).toEqual(['Fetch', 'Each', 'Start']);
    expect(upstreamNames(graph, 'After')).toEqual(['Each', 'Start']);
  });

  it('offers item and index inside a frame only, with the first item of the last run as a sample', () => {
    const loopStep = { nodeId: 'Each', scope: '', attempt: 1, status: 'succeeded', output: [{ id: 7 }, { id: 8 }] };
    const detail = { steps: [loopStep as StepRun], triggerPayload: {} } as unknown as ExecutionDetail;
    const inside = expressionPaths(scopeFor(graph, 'Fetch', detail));
    expect(inside.get('item.id')).toBe(7);
    expect(inside.has('index')).toBe(true);
    const outside = expressionPaths(scopeFor(graph, 'After', detail));
    expect(outside.has('item')).toBe(false);
    expect(outside.has('index')).toBe(false);
    expect(expressionPaths(scopeFor(graph, 'Fetch', null)).has('item')).toBe(true);
  });
});
