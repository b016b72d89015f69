import { describe, expect, it } from 'vitest';
import type { Graph, VersionDiff } from '../../api/types.ts';
import { compareView, showValue } from './diff-view.ts';

const node = (id: string, config: Record<string, unknown> = {}) => ({
  id,
  type: id === 'start' ? 'trigger.manual' : 'transform.set',
  name: id,
  position: { x: 0, y: 0 },
  config,
});

/**
 *   from:  start ──▶ a ──▶ old          to:  start ──▶ a' ──▶ new
 *   (a's config changes, old is removed, new is added; edge ids e2 reused for a different edge)
 */
const from: Graph = {
  nodes: [node('start'), node('a', { x: 1 }), node('old')],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'a' },
    { id: 'e2', source: 'a', sourcePort: 'main', target: 'old' },
  ],
};
const to: Graph = {
  nodes: [node('start'), node('a', { x: 2 }), node('new')],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'a' },
    { id: 'e2', source: 'a', sourcePort: 'main', target: 'new' },
  ],
};
const diff: VersionDiff = {
  from: 1,
  to: 2,
  nodes: {
    added: [{ id: 'new', name: 'new', type: 'transform.set' }],
    removed: [{ id: 'old', name: 'old', type: 'transform.set' }],
    changed: [
      { id: 'a', name: 'a', type: 'transform.set', changes: [{ field: 'config.x', kind: 'changed', from: 1, to: 2 }] },
    ],
    moved: [],
  },
  edges: {
    added: [{ source: 'a', sourcePort: 'main', target: 'new' }],
    removed: [{ source: 'a', sourcePort: 'main', target: 'old' }],
  },
};

describe('compare view', () => {
  const view = compareView(from, to, diff);

  it('draws the new graph plus the removed nodes where they were', () => {
    expect(view.graph.nodes.map((item) => item.id)).toEqual(['start', 'a', 'new', 'old']);
  });

  it('moves a removed node off the spot a node of the new graph now takes', () => {
    // old and new both sit at at x=0 (node() puts every node there): old goes below the others.
    const old = view.graph.nodes.find((item) => item.id === 'old');
    expect(old?.position).toEqual({ x: 0, y: 110 });
  });

  it('marks nodes added, removed and changed, and leaves unchanged ones alone', () => {
    expect(Object.fromEntries(view.nodes)).toEqual({ new: 'added', old: 'removed', a: 'changed' });
    expect(view.nodes.get('start')).toBeUndefined();
  });

  it('marks edges by what they join, keeping a removed edge whose id the new graph reuses', () => {
    expect(view.graph.edges.map((edge) => edge.id)).toEqual(['e1', 'e2', 'removed:e2']);
    expect(Object.fromEntries(view.edges)).toEqual({ e2: 'added', 'removed:e2': 'removed' });
  });

  it('shows values as short JSON', () => {
    expect(showValue('hi')).toBe('"hi"');
    expect(showValue(undefined)).toBe('—');
    expect(showValue({ a: 'x'.repeat(200) }).length).toBe(118);
  });
});
