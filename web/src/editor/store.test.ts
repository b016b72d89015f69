import { beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import { type Connection, connectionProblem as problemOf } from '../../../server/core/graph/connection.ts';
import { validateGraph } from '../../../server/core/validate.ts';
import type { Graph } from '../api/types.ts';
import { NodeTypes } from '../canvas/node-types.ts';
import { layoutGraph } from './layout.ts';
import { clearClipboard, createEditorStore } from './store.ts';

/** The node types as the editor gets them: GET /node-types's answer, through JSON. */
const types = new NodeTypes(JSON.parse(JSON.stringify(catalogue.map(describeNodeType))));
const empty: Graph = { nodes: [], edges: [] };
const editor = (graph: Graph = empty) => createEditorStore(graph, { types });
const connectionProblem = (graph: Graph, connection: Connection) => problemOf(graph, connection, types.lookup)?.message;

beforeEach(() => clearClipboard());

describe('editor store', () => {
  it('adds nodes with unique readable ids and names, connected from the selected node', () => {
    const store = editor();
    const start = store.getState().addNode('trigger.manual');
    const first = store.getState().addNode('action.http');
    const second = store.getState().addNode('action.http');
    const { graph, selectedNodeIds } = store.getState();
    expect(graph.nodes.map((node) => [node.id, node.name])).toEqual([
      [start, 'Manual trigger'],
      ['http_request', 'HTTP request'],
      ['http_request_2', 'HTTP request 2'],
    ]);
    expect([first, second]).toEqual(['http_request', 'http_request_2']);
    // Each click-added node hangs off the previously selected one, placed to its right.
    expect(graph.edges.map((edge) => [edge.source, edge.sourcePort, edge.target])).toEqual([
      [start, 'main', 'http_request'],
      ['http_request', 'main', 'http_request_2'],
    ]);
    const [a, b] = [graph.nodes[1], graph.nodes[2]];
    expect(b?.position.x).toBeGreaterThan(a?.position.x ?? 0);
    expect(selectedNodeIds).toEqual(['http_request_2']);
    // Fresh configs start from the schema's defaults.
    expect(graph.nodes[1]?.config).toMatchObject({ method: 'GET', timeoutMs: 30_000, failOnNon2xx: true });
  });

  it('gives an If node one empty rule and connects from its first port', () => {
    const store = editor();
    store.getState().addNode('condition.if', { connectFrom: null });
    store.getState().addNode('transform.set');
    const { graph } = store.getState();
    expect(graph.nodes[0]?.config).toEqual({ combine: 'all', rules: [{ left: '', operator: 'equals' }] });
    expect(graph.edges[0]).toMatchObject({ source: 'if', sourcePort: 'true', target: 'set_fields' });
  });

  it('refuses self loops, loops, second inputs (except Merge) and inputs into triggers', () => {
    const store = editor();
    const { addNode, connect } = store.getState();
    const t = addNode('trigger.manual', { connectFrom: null });
    const a = addNode('transform.set', { connectFrom: null });
    const b = addNode('transform.set', { connectFrom: null });
    const merge = addNode('flow.merge', { connectFrom: null });
    connect({ source: t, sourcePort: 'main', target: a });
    connect({ source: a, sourcePort: 'main', target: b });
    const graph = () => store.getState().graph;
    expect(connectionProblem(graph(), { source: a, sourcePort: 'main', target: a })).toMatch(/itself/);
    expect(connectionProblem(graph(), { source: b, sourcePort: 'main', target: a })).toMatch(
      /inbound connections|loop/,
    );
    expect(connectionProblem(graph(), { source: b, sourcePort: 'main', target: t })).toMatch(/trigger/);
    expect(connectionProblem(graph(), { source: a, sourcePort: 'nope', target: merge })).toMatch(/no output/);
    connect({ source: b, sourcePort: 'main', target: a }); // ignored
    connect({ source: a, sourcePort: 'main', target: merge });
    connect({ source: b, sourcePort: 'main', target: merge }); // a Merge takes many
    expect(graph().edges).toHaveLength(4);
    expect(validateGraph(graph()).filter((problem) => problem.code !== 'invalid_config')).toEqual([]);
  });

  it('deletes the selection with the edges touching it', () => {
    const store = editor();
    const t = store.getState().addNode('trigger.manual');
    const a = store.getState().addNode('transform.set');
    store.getState().addNode('transform.set');
    store.getState().select([a]);
    store.getState().deleteSelection();
    const { graph, selectedNodeIds } = store.getState();
    expect(graph.nodes.map((node) => node.id)).toEqual([t, 'set_fields_2']);
    expect(graph.edges).toEqual([]);
    expect(selectedNodeIds).toEqual([]);
  });

  it('pastes copies with fresh ids and names, offset, keeping only their internal edges', () => {
    const store = editor();
    const t = store.getState().addNode('trigger.manual');
    const a = store.getState().addNode('transform.set');
    const b = store.getState().addNode('action.http');
    store.getState().select([a, b]);
    expect(store.getState().copy()).toBe(true);
    const pasted = store.getState().paste();
    const { graph, selectedNodeIds } = store.getState();
    expect(pasted).toEqual(['set_fields_2', 'http_request_2']);
    expect(selectedNodeIds).toEqual(pasted);
    const copies = graph.nodes.filter((node) => pasted.includes(node.id));
    expect(copies.map((node) => node.name)).toEqual(['Set fields 2', 'HTTP request 2']);
    const original = graph.nodes.find((node) => node.id === a);
    expect(copies[0]?.position).toEqual({ x: (original?.position.x ?? 0) + 40, y: (original?.position.y ?? 0) + 40 });
    // a→b is copied as a copy→copy edge; t→a (leaving the selection) is not.
    const copiedEdges = graph.edges.filter((edge) => pasted.includes(edge.target));
    expect(copiedEdges.map((edge) => [edge.source, edge.target])).toEqual([['set_fields_2', 'http_request_2']]);
    expect(new Set(graph.edges.map((edge) => edge.id)).size).toBe(graph.edges.length);
    expect(graph.edges.some((edge) => edge.source === t && pasted.includes(edge.target))).toBe(false);
    // A second paste moves further, so copies never stack exactly.
    store.getState().paste();
    const third = store.getState().graph.nodes.find((node) => node.name === 'Set fields 3');
    expect(third?.position.x).toBe((original?.position.x ?? 0) + 80);
  });

  it('pastes at the pointer: the copied group’s top-left node lands there, a second paste there cascades', () => {
    const store = editor();
    store.getState().addNode('trigger.manual');
    const a = store.getState().addNode('transform.set');
    const b = store.getState().addNode('action.http');
    store.getState().select([a, b]);
    store.getState().copy();
    const before = store.getState().graph.nodes;
    const left = Math.min(...before.filter((node) => [a, b].includes(node.id)).map((node) => node.position.x));
    const top = Math.min(...before.filter((node) => [a, b].includes(node.id)).map((node) => node.position.y));
    const original = before.find((node) => node.id === b)?.position ?? { x: 0, y: 0 };

    store.getState().setPointer({ x: 900.4, y: -300 });
    const pasted = store.getState().paste();
    const copies = store.getState().graph.nodes.filter((node) => pasted.includes(node.id));
    expect(Math.min(...copies.map((node) => node.position.x))).toBe(900);
    expect(Math.min(...copies.map((node) => node.position.y))).toBe(-300);
    // The group keeps its shape.
    expect(copies[1]?.position).toEqual({ x: original.x - left + 900, y: original.y - top - 300 });

    store.getState().paste();
    const again = store.getState().graph.nodes.find((node) => node.name === 'Set fields 3');
    expect(again?.position).toEqual({ x: 940, y: -260 });

    // Moved elsewhere: lands exactly there again. Off the canvas: beside the originals.
    store.getState().setPointer({ x: 0, y: 500 });
    store.getState().paste();
    expect(store.getState().graph.nodes.find((node) => node.name === 'Set fields 4')?.position).toEqual({
      x: 0,
      y: 500,
    });
    store.getState().setPointer(null);
    const [offCanvas] = store.getState().paste();
    const aAt = before.find((node) => node.id === a)?.position ?? { x: 0, y: 0 };
    expect(store.getState().graph.nodes.find((node) => node.id === offCanvas)?.position).toEqual({
      x: aAt.x + 40,
      y: aAt.y + 40,
    });
  });

  it('undoes and redoes each edit, and folds a drag and a burst of typing into one step', () => {
    const store = editor();
    const t = store.getState().addNode('trigger.manual');
    const a = store.getState().addNode('transform.set');
    const afterAdd = store.getState().graph;
    // A drag: one beginMove, many moves.
    store.getState().beginMove();
    for (let x = 0; x < 10; x++) store.getState().move(new Map([[a, { x: 500 + x, y: 7 }]]));
    // Typing: many config changes in a row.
    for (const value of ['{', '{{', '{{ i', '{{ input }}']) {
      store.getState().setConfig(a, { fields: [{ path: 'x', value }], keepInput: true });
    }
    store.getState().rename(a, 'Shape');
    expect(store.getState().past).toHaveLength(5); // add, add, drag, typing, rename

    store.getState().undo();
    expect(store.getState().graph.nodes[1]?.name).toBe('Set fields');
    store.getState().undo();
    expect(store.getState().graph.nodes[1]?.config).toEqual({ fields: [], keepInput: true });
    store.getState().undo();
    expect(store.getState().graph).toBe(afterAdd);
    store.getState().undo();
    expect(store.getState().graph.nodes.map((node) => node.id)).toEqual([t]);

    store.getState().redo();
    store.getState().redo();
    expect(store.getState().graph.nodes[1]?.position).toEqual({ x: 509, y: 7 });
    // A new edit drops the redo stack.
    store.getState().rename(a, 'Other');
    expect(store.getState().future).toEqual([]);
  });

  it('renames only to a non-empty name no other node has', () => {
    const store = editor();
    store.getState().addNode('trigger.manual');
    const a = store.getState().addNode('transform.set');
    expect(store.getState().rename(a, '  Lookup  ')).toBe(true);
    expect(store.getState().graph.nodes[1]?.name).toBe('Lookup');
    expect(store.getState().rename(a, 'Manual trigger')).toBe(false);
    expect(store.getState().rename(a, '   ')).toBe(false);
    expect(store.getState().graph.nodes[1]?.name).toBe('Lookup');
  });

  it('renaming a node rewrites the expressions and scripts that read it, in one undoable step', () => {
    const graph: Graph = {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
        { id: 'l', type: 'transform.set', name: 'Lookup', position: { x: 300, y: 0 }, config: {} },
        {
          id: 's',
          type: 'transform.set',
          name: 'Mail',
          position: { x: 600, y: 0 },
          config: { fields: [{ path: 'to', value: '{{ steps.Lookup.output.email }} {{ steps.Start.output.id }}' }] },
        },
        {
          id: 'c',
          type: 'transform.script',
          name: 'Code',
          position: { x: 900, y: 0 },
          config: { code: 'return steps["Lookup"].output' },
        },
      ],
      edges: [],
    };
    const store = editor(graph);
    const untouched = store.getState().graph.nodes[0];
    expect(store.getState().rename('l', 'Find user')).toBe(true);
    const nodes = store.getState().graph.nodes;
    expect(nodes[1]?.name).toBe('Find user');
    expect(nodes[2]?.config).toEqual({
      fields: [{ path: 'to', value: '{{ steps["Find user"].output.email }} {{ steps.Start.output.id }}' }],
    });
    expect(nodes[3]?.config).toEqual({ code: 'return steps["Find user"].output' });
    expect(nodes[0]).toBe(untouched);
    store.getState().undo();
    expect(store.getState().graph).toEqual(graph);
  });

  it('lays out left to right as one undoable step, keeping every id', async () => {
    const store = editor();
    const t = store.getState().addNode('trigger.manual', { position: { x: 900, y: 900 } });
    const i = store.getState().addNode('condition.if', { position: { x: 0, y: 0 } });
    store.getState().addNode('transform.set', { position: { x: 0, y: 400 } }); // from If "true"
    store.getState().select([i]);
    store.getState().addNode('action.http', { connectFrom: i, position: { x: 10, y: 10 } });
    store.getState().connect({ source: i, sourcePort: 'false', target: 'http_request' });
    const before = store.getState().graph;
    const positions = await layoutGraph(before, types);
    expect([...positions.keys()].sort()).toEqual(before.nodes.map((node) => node.id).sort());
    store.getState().applyLayout(positions);
    const after = store.getState().graph;
    const x = (id: string) => after.nodes.find((node) => node.id === id)?.position.x ?? Number.NaN;
    expect(x(t)).toBeLessThan(x(i));
    expect(x(i)).toBeLessThan(x('set_fields'));
    expect(after.edges).toBe(before.edges);
    store.getState().undo();
    expect(store.getState().graph).toBe(before);
  });
});

describe('editor store: loop frames', () => {
  /** A trigger, and a loop whose frame's body area starts at (0, 56) on the canvas. */
  const withLoop = () => {
    const store = editor();
    const start = store.getState().addNode('trigger.manual', { position: { x: -400, y: 0 } });
    const loop = store.getState().addNode('flow.loop', { position: { x: 0, y: 0 } });
    return { store, start, loop };
  };
  const nodeOf = (store: ReturnType<typeof editor>, id: string) =>
    store.getState().graph.nodes.find((node) => node.id === id);

  it('gives a new loop a frame, and a node dropped into it the loop as parent, placed relative to the frame', () => {
    const { store, loop } = withLoop();
    expect(nodeOf(store, loop)?.size).toEqual({ width: 600, height: 250 });
    const inside = store.getState().addNode('transform.set', { position: { x: 100, y: 120 } });
    expect(nodeOf(store, inside)).toMatchObject({ parentId: loop, position: { x: 100, y: 120 } });
    store.getState().move(new Map([[loop, { x: 50, y: 30 }]]));
    const outside = store.getState().addNode('transform.set', { position: { x: 1000, y: 500 } });
    expect(nodeOf(store, outside)?.parentId).toBeUndefined();
    // Dropped on the frame's header, a node does not join the body.
    const onHeader = store.getState().addNode('transform.set', { position: { x: 100, y: 40 } });
    expect(nodeOf(store, onHeader)?.parentId).toBeUndefined();
  });

  it('moves a node into a frame and out again where it is seen, as one undo step with the drag', () => {
    const { store, loop } = withLoop();
    store.getState().move(new Map([[loop, { x: 200, y: 100 }]]));
    const set = store.getState().addNode('transform.set', { position: { x: 1200, y: 100 } });
    store.getState().beginMove();
    store.getState().move(new Map([[set, { x: 300, y: 220 }]]));
    store.getState().settle([set]);
    expect(nodeOf(store, set)).toMatchObject({ parentId: loop, position: { x: 100, y: 120 } });
    store.getState().undo();
    expect(nodeOf(store, set)).toMatchObject({ position: { x: 1200, y: 100 } });
    expect(nodeOf(store, set)?.parentId).toBeUndefined();
    store.getState().redo();
    expect(nodeOf(store, set)?.parentId).toBe(loop);
    // Out of the frame: back to canvas coordinates.
    store.getState().beginMove();
    store.getState().move(new Map([[set, { x: 900, y: 500 }]]));
    store.getState().settle([set]);
    expect(nodeOf(store, set)?.parentId).toBeUndefined();
    expect(nodeOf(store, set)?.position).toEqual({ x: 1100, y: 600 });
  });

  it('puts a loop into another loop, never into its own frame, and grows a frame to hold what it holds', () => {
    const { store, loop } = withLoop();
    const inner = store.getState().addNode('flow.loop', { position: { x: 40, y: 90 } });
    expect(nodeOf(store, inner)?.parentId).toBe(loop);
    // The outer frame grew to hold the inner one with a margin.
    expect(nodeOf(store, loop)?.size?.width).toBeGreaterThanOrEqual(40 + 600 + 40);
    expect(nodeOf(store, loop)?.size?.height).toBeGreaterThanOrEqual(90 + 250 + 40);
    store.getState().settle([loop]);
    expect(nodeOf(store, loop)?.parentId).toBeUndefined();
  });

  it('connects a body that validation accepts, and refuses an edge crossing the frame', () => {
    const { store, start, loop } = withLoop();
    const first = store.getState().addNode('transform.set', { position: { x: 60, y: 100 } });
    const last = store.getState().addNode('transform.set', { position: { x: 360, y: 100 } });
    const after = store.getState().addNode('transform.set', { position: { x: 1200, y: 0 } });
    const { connect } = store.getState();
    connect({ source: start, sourcePort: 'main', target: loop });
    connect({ source: loop, sourcePort: 'body', target: first });
    connect({ source: first, sourcePort: 'main', target: last });
    connect({ source: last, sourcePort: 'main', target: loop });
    connect({ source: loop, sourcePort: 'done', target: after });
    const { graph } = store.getState();
    expect(graph.edges).toHaveLength(5);
    expect(validateGraph(graph)).toEqual([]);
    expect(store.getState().problems).toEqual([]);
    connect({ source: first, sourcePort: 'main', target: after });
    expect(store.getState().graph.edges).toHaveLength(5);
    expect(connectionProblem(graph, { source: first, sourcePort: 'main', target: after })).toBe(
      '"Set fields" is inside the loop "Loop over items": only the body\'s last node leaves its frame, connected back to "Loop over items"',
    );
    // Taken out of the frame, the body's end is no longer its end: the edges now crossing the frame go.
    store.getState().beginMove();
    store.getState().move(new Map([[last, { x: 400, y: 700 }]]));
    store.getState().settle([last]);
    expect(store.getState().graph.edges.map((edge) => `${edge.source}.${edge.sourcePort}→${edge.target}`)).toEqual([
      `${start}.main→${loop}`,
      `${loop}.body→${first}`,
      `${loop}.done→${after}`,
    ]);
    store.getState().undo();
    expect(store.getState().graph).toBe(graph);
  });

  it('deletes a loop with everything in its frame, and undo brings all of it back', () => {
    const { store, start, loop } = withLoop();
    const inner = store.getState().addNode('flow.loop', { position: { x: 40, y: 90 } });
    const deep = store.getState().addNode('transform.set', { position: { x: 100, y: 220 } });
    expect(nodeOf(store, deep)?.parentId).toBe(inner);
    store.getState().connect({ source: start, sourcePort: 'main', target: loop });
    store.getState().removeElements([loop], []);
    expect(store.getState().graph.nodes.map((node) => node.id)).toEqual([start]);
    expect(store.getState().graph.edges).toEqual([]);
    store.getState().undo();
    expect(store.getState().graph.nodes.map((node) => node.id)).toEqual([start, loop, inner, deep]);
  });

  it('copies a loop with its body, and pastes a body node into the frame it lands in', () => {
    const { store, loop } = withLoop();
    const body = store.getState().addNode('transform.set', { position: { x: 100, y: 100 } });
    store.getState().select([loop]);
    const copies = store.getState().duplicate();
    expect(copies).toHaveLength(2);
    const [loopCopy, bodyCopy] = copies.map((id) => nodeOf(store, id));
    expect(loopCopy?.parentId).toBeUndefined();
    expect(loopCopy?.position).toEqual({ x: 40, y: 40 });
    expect(bodyCopy).toMatchObject({ parentId: loopCopy?.id, position: { x: 100, y: 100 } });
    // A body node on its own: copied at its canvas place, pasted where the pointer is.
    store.getState().select([body]);
    store.getState().copy();
    store.getState().setPointer({ x: 2000, y: 2000 });
    const [outside] = store.getState().paste();
    expect(nodeOf(store, outside as string)?.parentId).toBeUndefined();
    store.getState().setPointer({ x: 200, y: 150 });
    const [inside] = store.getState().paste();
    expect(nodeOf(store, inside as string)?.parentId).toBe(loop);
    // Duplicated, a body node stays in its frame.
    store.getState().select([body]);
    const [twin] = store.getState().duplicate();
    expect(nodeOf(store, twin as string)).toMatchObject({ parentId: loop, position: { x: 140, y: 140 } });
  });

  it('tidies a body inside its frame, left to right, and sizes the frame to hold it', async () => {
    const { store, start, loop } = withLoop();
    const first = store.getState().addNode('transform.set', { position: { x: 400, y: 150 } });
    const second = store.getState().addNode('transform.set', { position: { x: 60, y: 100 } });
    store.getState().connect({ source: start, sourcePort: 'main', target: loop });
    store.getState().connect({ source: loop, sourcePort: 'body', target: first });
    store.getState().connect({ source: first, sourcePort: 'main', target: second });
    store.getState().connect({ source: second, sourcePort: 'main', target: loop });
    store.getState().applyLayout(await layoutGraph(store.getState().graph, types));
    const a = nodeOf(store, first);
    const b = nodeOf(store, second);
    const frame = nodeOf(store, loop);
    expect(a?.parentId).toBe(loop);
    expect(a?.position.x).toBeLessThan(b?.position.x ?? 0);
    expect(a?.position.y).toBeGreaterThanOrEqual(56);
    expect((b?.position.x ?? 0) + 224).toBeLessThan(frame?.size?.width ?? 0);
    expect(nodeOf(store, start)?.position.x).toBeLessThan(frame?.position.x ?? 0);
  });

  it('adds a node picked in the palette beside the selected body node, in its frame, and after a selected loop', () => {
    const { store, loop } = withLoop();
    const first = store.getState().addNode('transform.set', { position: { x: 100, y: 120 } });
    store.getState().select([first]);
    const next = store.getState().addNode('action.http');
    expect(nodeOf(store, next)).toMatchObject({ parentId: loop, position: { x: 100 + 224 + 96, y: 120 } });
    expect(store.getState().graph.edges.at(-1)).toMatchObject({ source: first, target: next });
    store.getState().select([loop]);
    const after = store.getState().addNode('transform.set');
    expect(nodeOf(store, after)?.parentId).toBeUndefined();
    expect(store.getState().graph.edges.at(-1)).toMatchObject({ source: loop, sourcePort: 'done', target: after });
  });
});
