import { describe, expect, it } from 'vitest';
import { edge, graph, httpNode, ifNode, manualTrigger, setFields } from '../testing/graph-fixtures.ts';
import { diffGraphs, type GraphDiff } from './diff.ts';
import type { Graph } from './graph/model.ts';

// The graph every test starts from:
//
// Start ──▶ Prepare ──▶ Check ──true──▶ Notify
//                         └────false──▶ Fallback
const base = (): Graph =>
  graph(
    [
      manualTrigger(),
      setFields('Prepare', ['email', '{{ input.email }}']),
      ifNode('Check', '{{ steps.Prepare.output.total }}', '100'),
      httpNode('Notify', 'https://hooks.example.com/orders', { method: 'POST' }),
      setFields('Fallback', ['note', 'small order']),
    ],
    [
      edge('Start', 'Prepare'),
      edge('Prepare', 'Check'),
      edge('Check', 'Notify', 'true'),
      edge('Check', 'Fallback', 'false'),
    ],
  );

const nothing: GraphDiff = {
  nodes: { added: [], removed: [], changed: [], moved: [] },
  edges: { added: [], removed: [] },
};

/** `base()` with one node replaced by `change(node)`. */
function withNode(id: string, change: (node: Graph['nodes'][number]) => Graph['nodes'][number]): Graph {
  const next = base();
  return { ...next, nodes: next.nodes.map((node) => (node.id === id ? change(node) : node)) };
}

describe('diffGraphs', () => {
  it('finds nothing between two equal graphs', () => {
    expect(diffGraphs(base(), base())).toEqual(nothing);
  });

  it('reports an added node and the edge that connects it', () => {
    // Start ──▶ Prepare ──▶ Check ──true──▶ Notify ──▶ Audit   (new)
    //                         └────false──▶ Fallback
    const from = base();
    const to = graph([...from.nodes, setFields('Audit')], [...from.edges, edge('Notify', 'Audit')]);
    expect(diffGraphs(from, to)).toEqual({
      nodes: { added: [{ id: 'Audit', name: 'Audit', type: 'transform.set' }], removed: [], changed: [], moved: [] },
      edges: { added: [{ source: 'Notify', sourcePort: 'main', target: 'Audit' }], removed: [] },
    });
  });

  it('reports a removed node and the edge that connected it', () => {
    // Start ──▶ Prepare ──▶ Check ──true──▶ Notify
    //                         └────false──▶ (Fallback removed)
    const from = base();
    const to = graph(
      from.nodes.filter((node) => node.id !== 'Fallback'),
      from.edges.filter((link) => link.target !== 'Fallback'),
    );
    expect(diffGraphs(from, to)).toEqual({
      nodes: {
        added: [],
        removed: [{ id: 'Fallback', name: 'Fallback', type: 'transform.set' }],
        changed: [],
        moved: [],
      },
      edges: { added: [], removed: [{ source: 'Check', sourcePort: 'false', target: 'Fallback' }] },
    });
  });

  it('reports a changed config field with its old and new value', () => {
    const to = withNode('Notify', (node) => ({
      ...node,
      config: { ...node.config, url: 'https://hooks.example.com/v2/orders' },
    }));
    expect(diffGraphs(base(), to)).toEqual({
      ...nothing,
      nodes: {
        ...nothing.nodes,
        changed: [
          {
            id: 'Notify',
            name: 'Notify',
            type: 'action.http',
            changes: [
              {
                field: 'config.url',
                kind: 'changed',
                from: 'https://hooks.example.com/orders',
                to: 'https://hooks.example.com/v2/orders',
              },
            ],
          },
        ],
      },
    });
  });

  it('reports a change deep inside a config by its dot path', () => {
    const to = withNode('Check', (node) => ({
      ...node,
      config: { rules: [{ left: '{{ steps.Prepare.output.total }}', operator: 'greaterThan', right: '250' }] },
    }));
    expect(diffGraphs(base(), to).nodes.changed).toEqual([
      {
        id: 'Check',
        name: 'Check',
        type: 'condition.if',
        changes: [{ field: 'config.rules.0.right', kind: 'changed', from: '100', to: '250' }],
      },
    ]);
  });

  it('reports config fields that appear or disappear as added and removed', () => {
    const to = withNode('Notify', (node) => ({
      ...node,
      config: { url: node.config.url, timeoutMs: 5000 }, // method dropped, timeoutMs new
    }));
    const [changed, ...others] = diffGraphs(base(), to).nodes.changed;
    expect(others).toEqual([]);
    expect(changed?.id).toBe('Notify');
    expect(changed?.changes).toHaveLength(2);
    expect(changed?.changes).toContainEqual({ field: 'config.method', kind: 'removed', from: 'POST' });
    expect(changed?.changes).toContainEqual({ field: 'config.timeoutMs', kind: 'added', to: 5000 });
    for (const change of changed?.changes ?? []) {
      // An added field has no old value and a removed one no new value.
      expect(Object.keys(change)).not.toContain(change.kind === 'added' ? 'from' : 'to');
    }
  });

  it('reports an array item added to a config', () => {
    const to = withNode('Prepare', (node) => ({
      ...node,
      config: {
        fields: [
          { path: 'email', value: '{{ input.email }}' },
          { path: 'total', value: '{{ input.total }}' },
        ],
      },
    }));
    expect(diffGraphs(base(), to).nodes.changed).toEqual([
      {
        id: 'Prepare',
        name: 'Prepare',
        type: 'transform.set',
        changes: [{ field: 'config.fields.1', kind: 'added', to: { path: 'total', value: '{{ input.total }}' } }],
      },
    ]);
  });

  it('reports a rename on the name field and summarises the node by its new name', () => {
    const to = withNode('Notify', (node) => ({ ...node, name: 'Tell the team' }));
    expect(diffGraphs(base(), to)).toEqual({
      ...nothing,
      nodes: {
        ...nothing.nodes,
        changed: [
          {
            id: 'Notify',
            name: 'Tell the team',
            type: 'action.http',
            changes: [{ field: 'name', kind: 'changed', from: 'Notify', to: 'Tell the team' }],
          },
        ],
      },
    });
  });

  it('reports a node replaced by another type under the same id on the type field', () => {
    const to = withNode('Fallback', (node) => ({ ...node, type: 'action.http', config: node.config }));
    expect(diffGraphs(base(), to).nodes.changed).toEqual([
      {
        id: 'Fallback',
        name: 'Fallback',
        type: 'action.http',
        changes: [{ field: 'type', kind: 'changed', from: 'transform.set', to: 'action.http' }],
      },
    ]);
  });

  it('puts a node that only moved under moved, not changed', () => {
    const to = withNode('Check', (node) => ({ ...node, position: { x: 240, y: -80 } }));
    expect(diffGraphs(base(), to)).toEqual({
      ...nothing,
      nodes: { ...nothing.nodes, moved: [{ id: 'Check', name: 'Check', type: 'condition.if' }] },
    });
  });

  it('puts a node that moved and changed under changed only', () => {
    const to = withNode('Check', (node) => ({ ...node, name: 'Big order?', position: { x: 240, y: 0 } }));
    const result = diffGraphs(base(), to);
    expect(result.nodes.moved).toEqual([]);
    expect(result.nodes.changed.map((node) => node.id)).toEqual(['Check']);
  });

  it('matches edges by what they join, so regenerated edge ids change nothing', () => {
    const from = base();
    const to = { ...from, edges: from.edges.map((link, index) => ({ ...link, id: `regenerated-${index}` })) };
    expect(diffGraphs(from, to)).toEqual(nothing);
  });

  it('reports an edge moved to another port as one removed and one added', () => {
    // Start ──▶ Prepare ──▶ Check ──false─▶ Notify      (was true)
    //                         └────false──▶ Fallback
    const from = base();
    const to = {
      ...from,
      edges: from.edges.map((link) => (link.target === 'Notify' ? { ...link, sourcePort: 'false' } : link)),
    };
    expect(diffGraphs(from, to).edges).toEqual({
      added: [{ source: 'Check', sourcePort: 'false', target: 'Notify' }],
      removed: [{ source: 'Check', sourcePort: 'true', target: 'Notify' }],
    });
  });

  it('reports rewired edges between existing nodes', () => {
    // Start ──▶ Prepare ──▶ Check ──true──▶ Notify
    //   └──────────────────────────────────▶ Fallback   (was Check ──false──▶ Fallback)
    const from = base();
    const to = {
      ...from,
      edges: [...from.edges.filter((link) => link.target !== 'Fallback'), edge('Start', 'Fallback')],
    };
    expect(diffGraphs(from, to)).toEqual({
      ...nothing,
      edges: {
        added: [{ source: 'Start', sourcePort: 'main', target: 'Fallback' }],
        removed: [{ source: 'Check', sourcePort: 'false', target: 'Fallback' }],
      },
    });
  });
});
