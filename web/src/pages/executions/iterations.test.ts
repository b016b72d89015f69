import { describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from '../../api/types.ts';
import { chosenIterations, loopFrames, scopeOf, withIteration } from './iterations.ts';

const node = (id: string, type: string, parentId?: string): GraphNode => ({
  id,
  type,
  name: id,
  position: { x: 0, y: 0 },
  config: {},
  ...(parentId ? { parentId } : {}),
});

//  start ─▶ orders ┌ fetch ─▶ lines ┌ price ┐ ┐ ─done─▶ report
//           second ┌ other ┐
const graph: Graph = {
  nodes: [
    node('start', 'trigger.manual'),
    node('orders', 'flow.loop'),
    node('fetch', 'transform.set', 'orders'),
    node('lines', 'flow.loop', 'orders'),
    node('price', 'transform.set', 'lines'),
    node('report', 'transform.set'),
    node('second', 'flow.loop'),
    node('other', 'transform.set', 'second'),
    node('stray', 'transform.set', 'report'),
  ],
  edges: [],
};
const frames = loopFrames(graph, (type) => type === 'flow.loop');

describe('iterations chosen on the execution page', () => {
  it('reads ?iteration=37 as item 37 (index 36) of the first top-level loop, and iteration.<loop> for others', () => {
    const chosen = chosenIterations(
      new URLSearchParams('iteration=37&iteration.lines=2&iteration.second=0&x=1'),
      frames,
    );
    expect([...chosen]).toEqual([
      ['orders', 36],
      ['lines', 1],
    ]);
  });

  it('writes the short form for the first top-level loop and keeps the other parameters', () => {
    const first = withIteration(new URLSearchParams('tab=steps&iteration.orders=3'), frames, 'orders', 9);
    expect(first.toString()).toBe('tab=steps&iteration=10');
    expect(withIteration(first, frames, 'lines', 0).toString()).toBe('tab=steps&iteration=10&iteration.lines=1');
    expect(chosenIterations(withIteration(first, frames, 'second', 4), frames).get('second')).toBe(4);
  });

  it('gives each node the scope of the chosen iterations of the loops around it, outermost first', () => {
    const chosen = new Map([
      ['orders', 36],
      ['lines', 2],
    ]);
    expect(scopeOf('start', frames, chosen)).toBe('');
    expect(scopeOf('orders', frames, chosen)).toBe('');
    expect(scopeOf('fetch', frames, chosen)).toBe('36');
    expect(scopeOf('lines', frames, chosen)).toBe('36');
    expect(scopeOf('price', frames, chosen)).toBe('36/2');
    // A loop without a chosen iteration: its body's scope is not known yet.
    expect(scopeOf('other', frames, chosen)).toBeUndefined();
    // A parent that is no loop does not count (validation reports it).
    expect(scopeOf('stray', frames, chosen)).toBe('');
  });
});
