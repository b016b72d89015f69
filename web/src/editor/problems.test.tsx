// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import { validateGraph } from '../../../server/core/validate.ts';
import type { Graph, Problem } from '../api/types.ts';
import { NodeTypes } from '../canvas/node-types.ts';
import { ConfigPanel } from './config-panel.tsx';
import { ProblemsButton } from './problems-button.tsx';
import { createEditorStore, type EditorStore, EditorStoreContext, loadGraphRules } from './store.ts';

/** The node types as the editor gets them: GET /node-types's answer, through JSON. */
const types = new NodeTypes(JSON.parse(JSON.stringify(catalogue.map(describeNodeType))));
const empty: Graph = { nodes: [], edges: [] };

/** A manual trigger with an If dropped beside it (not connected yet), as a new user starts. */
function startWithIf(): { store: EditorStore; start: string; check: string } {
  const store = createEditorStore(empty, { types, problems: [] });
  const start = store.getState().addNode('trigger.manual', { connectFrom: null });
  const check = store.getState().addNode('condition.if', { position: { x: 300, y: 0 }, connectFrom: null });
  return { store, start, check };
}

const setLeft = (store: EditorStore, nodeId: string, left: string, right?: string) => {
  const node = store.getState().graph.nodes.find((candidate) => candidate.id === nodeId);
  const rule = { left, operator: 'equals', ...(right === undefined ? {} : { right }) };
  store.getState().setConfig(nodeId, { ...node?.config, rules: [rule] });
};

const said = (store: EditorStore) =>
  store.getState().problems.map((problem) => [problem.field ?? problem.code, problem.message]);

// The rules load beside the canvas (store.ts); a user's first edit comes after them.
beforeAll(() => loadGraphRules());

describe('instant problems in the editor store', () => {
  it('flags a dropped node’s empty required fields at once, with no server answer', () => {
    const { store } = startWithIf();
    expect(said(store)).toEqual([
      ['config.rules.0.left', 'If: Left of rule 1 is required'],
      ['unreachable', '"If" is not connected to the trigger, so it would never run'],
    ]);
  });

  it('says at once that a Respond to webhook node needs a webhook set to respond from it, by the served types', () => {
    const store = createEditorStore(empty, { types, problems: [] });
    const start = store.getState().addNode('trigger.webhook', { connectFrom: null });
    store.getState().setConfig(start, { path: 'orders' });
    const reply = store.getState().addNode('action.respond', { position: { x: 300, y: 0 }, connectFrom: start });
    expect(store.getState().problems).toEqual([
      expect.objectContaining({
        code: 'needs_trigger',
        nodeId: reply,
        message: expect.stringContaining('"respond node"'),
      }),
    ]);
    store.getState().setConfig(start, { path: 'orders', respond: 'respondNode' });
    expect(store.getState().problems).toEqual([]);
  });

  it('follows every edit: a {{ }} that does not parse is flagged as typed and cleared when fixed', () => {
    const { store, start, check } = startWithIf();
    store.getState().connect({ source: start, sourcePort: 'main', target: check });
    setLeft(store, check, '{{ input.}}', '1');
    expect(store.getState().problems).toEqual([
      {
        code: 'invalid_expression',
        nodeId: check,
        field: 'config.rules.0.left',
        position: 9,
        message:
          'If: Left of rule 1: "{{ input.}}": the expression stops after "input." — a name should follow the dot',
      },
    ]);
    setLeft(store, check, '{{ input.total }}', '1');
    expect(store.getState().problems).toEqual([]);
  });

  it('computes what the server computes, for what both can see', () => {
    const { store, start, check } = startWithIf();
    store.getState().connect({ source: start, sourcePort: 'main', target: check });
    setLeft(store, check, '{{ input.a input.b }}', '1');
    const server = validateGraph(store.getState().graph);
    expect(store.getState().problems).toEqual(server);
  });

  it('takes the server’s answer as the authority for the nodes it saw unchanged, and drops it for a node edited since', () => {
    const { store, start, check } = startWithIf();
    store.getState().connect({ source: start, sourcePort: 'main', target: check });
    setLeft(store, check, '{{ input.total }}'); // no right-hand value: only zod's refinement knows
    expect(store.getState().problems).toEqual([]);
    const sent = store.getState().graph;
    const answer = validateGraph(sent);
    expect(answer.map((problem) => problem.message)).toEqual([
      'If: Right of rule 1 is needed with the operator "equals"',
    ]);

    // The answer arrives for the graph that was sent: the node is unchanged, so the server's words stand.
    store.getState().setProblems(answer, sent);
    expect(store.getState().problems).toEqual(answer);

    // The user fixes the field: the stale message goes at once, not after the next round trip.
    setLeft(store, check, '{{ input.total }}', '100');
    expect(store.getState().problems).toEqual([]);

    // An answer about an older graph does not bring it back for the node edited since.
    store.getState().setProblems(answer, sent);
    expect(store.getState().problems).toEqual([]);
  });

  it('opens with the server’s answer for the graph it checked, and checks locally from the first edit', () => {
    const { store: drawn, start, check } = startWithIf();
    const graph = drawn.getState().graph;
    const answer = validateGraph(graph);
    const store = createEditorStore(graph, { types, problems: answer });
    expect(store.getState().problems).toEqual(answer);
    expect(said(store).map(([field]) => field)).toContain('unreachable');
    // Connected: the local check drops "unreachable"; the If's config is as the server saw it, so
    // its words stand, the refinement zod alone knows included.
    store.getState().connect({ source: start, sourcePort: 'main', target: check });
    expect(said(store)).toEqual([
      ['config.rules.0.left', 'If: Left of rule 1 is required'],
      ['config.rules.0.right', 'If: Right of rule 1 is needed with the operator "equals"'],
    ]);
  });

  it('does not recheck when nodes only move', () => {
    const { store, check } = startWithIf();
    const before = store.getState().problems;
    store.getState().move(new Map([[check, { x: 500, y: 80 }]]));
    expect(store.getState().graph.nodes[1]?.position).toEqual({ x: 500, y: 80 });
    expect(store.getState().problems).toBe(before);
  });
});

describe('instant problems on screen', () => {
  beforeAll(() => {
    // jsdom has no layout; CodeMirror only needs these to exist.
    const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) };
    Range.prototype.getClientRects = () =>
      ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as never;
    Range.prototype.getBoundingClientRect = () => rect as DOMRect;
  });
  afterEach(cleanup);

  function Screen({ store }: { store: EditorStore }) {
    return (
      <QueryClientProvider client={new QueryClient()}>
        <EditorStoreContext.Provider value={store}>
          <Badge store={store} />
          <ConfigPanel workflowId="w1" nodeTypes={types} detail={null} flush={async () => {}} />
        </EditorStoreContext.Provider>
      </QueryClientProvider>
    );
  }

  function Badge({ store }: { store: EditorStore }) {
    const problems: readonly Problem[] = store.getState().problems;
    return <ProblemsButton problems={problems} nodeName={() => undefined} onPick={() => undefined} />;
  }

  it('shows the message under the field and the badge count as the config changes, before any save', async () => {
    const { store, start, check } = startWithIf();
    store.getState().connect({ source: start, sourcePort: 'main', target: check });
    store.getState().select([check]);
    const { container, rerender } = render(<Screen store={store} />);
    const field = () => container.querySelector('[data-field="config.rules.0.left"]') as HTMLElement;
    // The form's code comes in a chunk of its own (config-panel.tsx): the fields are there once it is.
    await waitFor(() => expect(field()).not.toBeNull());
    expect(within(field()).getByRole('alert').textContent).toBe('Left of rule 1 is required');
    expect(screen.getByRole('button', { name: /1 problem/ })).toBeTruthy();

    act(() => setLeft(store, check, '{{ input.}}', '1'));
    rerender(<Screen store={store} />);
    expect(within(field()).getByRole('alert').textContent).toBe(
      'Left of rule 1: "{{ input.}}": the expression stops after "input." — a name should follow the dot',
    );

    act(() => setLeft(store, check, '{{ input.total }}', '1'));
    rerender(<Screen store={store} />);
    expect(within(field()).queryByRole('alert')).toBeNull();
    expect(screen.getByText('Ready to run')).toBeTruthy();
  });
});
