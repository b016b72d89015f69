import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../api/routes/node-types.ts';
import { validateGraph } from '../validate.ts';
import { type Connection, connectionProblem } from './connection.ts';
import type { Graph, GraphNode, Problem } from './model.ts';
import type { GraphNodeType } from './node-type.ts';
import { portsOf } from './ports.ts';

/** The node types as the editor has them: what GET /node-types serves, through JSON, no code. */
const served = new Map<string, GraphNodeType>(
  catalogue.map((definition) => [definition.type, JSON.parse(JSON.stringify(describeNodeType(definition)))]),
);
const types = (type: string) => served.get(type);

const node = (id: string, type: string, config: Record<string, unknown> = {}): GraphNode => ({
  id,
  type,
  name: id,
  position: { x: 0, y: 0 },
  config,
});

/*
 *  start ─→ set ─→ check ─true──→ later ─→ join
 *                         └─false───────────↗
 *  route (not connected yet)
 */
const graph: Graph = {
  nodes: [
    node('start', 'trigger.manual'),
    node('set', 'transform.set'),
    node('check', 'condition.if', { rules: [{ left: 'a', right: 'a' }] }),
    node('later', 'transform.set'),
    node('join', 'flow.merge'),
    node('route', 'condition.switch', { value: 'x', cases: [{ port: 'fr', value: 'FR' }] }),
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'set' },
    { id: 'e2', source: 'set', sourcePort: 'main', target: 'check' },
    { id: 'e3', source: 'check', sourcePort: 'true', target: 'later' },
    { id: 'e4', source: 'later', sourcePort: 'main', target: 'join' },
    { id: 'e5', source: 'check', sourcePort: 'false', target: 'join' },
  ],
};

const EDGE_RULES = new Set<Problem['code']>([
  'dangling_edge',
  'self_loop',
  'unknown_port',
  'trigger_has_input',
  'duplicate_edge',
  'too_many_inputs',
  'cycle',
  'loop_body',
]);

/** What the server's validation says the edge adds to `subject`, by the edge rules. */
function serverVerdict(connection: Connection, subject: Graph = graph): Problem[] {
  const before = new Set(validateGraph(subject).map((problem) => JSON.stringify(problem)));
  const after = validateGraph({ ...subject, edges: [...subject.edges, { id: 'drawn', ...connection }] });
  return after.filter((problem) => EDGE_RULES.has(problem.code) && !before.has(JSON.stringify(problem)));
}

describe('connectionProblem', () => {
  it('refuses exactly the edges the server’s validation would report, for the same reason', () => {
    let refused = 0;
    let allowed = 0;
    for (const source of graph.nodes) {
      const ports = [...portsOf(types(source.type) as GraphNodeType, source.config), 'nope'];
      for (const sourcePort of ports) {
        for (const target of [...graph.nodes.map((candidate) => candidate.id), 'ghost']) {
          const connection = { source: source.id, sourcePort, target };
          const editor = connectionProblem(graph, connection, types);
          const server = serverVerdict(connection);
          const label = `${source.id}.${sourcePort} → ${target}`;
          if (!editor) {
            expect(server, label).toEqual([]);
            allowed++;
            continue;
          }
          refused++;
          const same = server.find((problem) => problem.code === editor.code);
          expect(same, `${label}: ${editor.code}`).toBeDefined();
          // A cycle is reported on whichever edge closes it first, and a drawn edge has no id to name
          // yet; every other message is word for word.
          if (editor.code === 'dangling_edge')
            expect(same?.message.replace('edge "drawn"', 'the edge')).toBe(editor.message);
          else if (editor.code !== 'cycle') expect(editor.message, label).toBe(same?.message);
        }
      }
    }
    expect(allowed).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(20);
  });

  it('names each rule it refuses by', () => {
    const code = (connection: Connection) => connectionProblem(graph, connection, types)?.code;
    expect(code({ source: 'set', sourcePort: 'main', target: 'set' })).toBe('self_loop');
    expect(code({ source: 'set', sourcePort: 'main', target: 'ghost' })).toBe('dangling_edge');
    expect(code({ source: 'check', sourcePort: 'main', target: 'route' })).toBe('unknown_port');
    expect(code({ source: 'set', sourcePort: 'main', target: 'start' })).toBe('trigger_has_input');
    expect(code({ source: 'set', sourcePort: 'main', target: 'check' })).toBe('duplicate_edge');
    expect(code({ source: 'start', sourcePort: 'main', target: 'later' })).toBe('too_many_inputs');
    expect(code({ source: 'join', sourcePort: 'main', target: 'route' })).toBeUndefined();
    // A port named by the Switch's cases counts like any other: a second input into `extra` is refused.
    const joined = {
      nodes: [...graph.nodes, node('extra', 'transform.set')],
      edges: [
        ...graph.edges,
        { id: 'e6', source: 'join', sourcePort: 'main', target: 'route' },
        { id: 'e7', source: 'start', sourcePort: 'main', target: 'extra' },
      ],
    };
    expect(connectionProblem(joined, { source: 'route', sourcePort: 'fr', target: 'extra' }, types)?.code).toBe(
      'too_many_inputs',
    );
    // Both a loop and a second input: the loop is named, since a Merge would not make it right.
    expect(connectionProblem(joined, { source: 'route', sourcePort: 'fr', target: 'set' }, types)?.code).toBe('cycle');
    const loose = { ...graph, edges: graph.edges.filter((edge) => edge.id !== 'e1') };
    expect(connectionProblem(loose, { source: 'join', sourcePort: 'main', target: 'set' }, types)?.code).toBe('cycle');
    // A Merge takes many inputs.
    expect(code({ source: 'set', sourcePort: 'main', target: 'join' })).toBeUndefined();
  });

  it('takes a Switch’s ports from its cases as the draft has them', () => {
    const draft = (cases: unknown) => ({
      ...graph,
      nodes: graph.nodes.map((candidate) =>
        candidate.id === 'route' ? { ...candidate, config: { value: 'x', cases } } : candidate,
      ),
    });
    const to = { source: 'route', target: 'later' };
    const later = { ...graph, edges: graph.edges.filter((edge) => edge.target !== 'later') };
    const withCases = (cases: unknown) => ({ ...draft(cases), edges: later.edges });
    expect(connectionProblem(withCases([{ port: 'de' }]), { ...to, sourcePort: 'de' }, types)).toBeUndefined();
    expect(connectionProblem(withCases([{ port: 'de' }]), { ...to, sourcePort: 'default' }, types)).toBeUndefined();
    expect(connectionProblem(withCases([{ port: 'de' }]), { ...to, sourcePort: 'fr' }, types)?.message).toBe(
      '"route" has no output "fr" (it has "de", "default")',
    );
  });
});

/*
 *  start ─→ each ─done─→ after
 *           ┌ each ────────────────────────────────────────┐
 *           │ body─→ fetch ─→ inner ─done─→ shape ─→ (each) │
 *           │               ┌ inner ───────────────┐        │
 *           │               │ body─→ deep ─→ (inner)│        │
 *           │ spare (not connected yet)                     │
 */
const inLoop = (parentId: string, subject: GraphNode): GraphNode => ({ ...subject, parentId });
const loops: Graph = {
  nodes: [
    node('start', 'trigger.manual'),
    node('each', 'flow.loop'),
    inLoop('each', node('fetch', 'transform.set')),
    inLoop('each', node('inner', 'flow.loop')),
    inLoop('inner', node('deep', 'transform.set')),
    inLoop('each', node('shape', 'transform.set')),
    inLoop('each', node('spare', 'transform.set')),
    node('after', 'transform.set'),
  ],
  edges: [
    { id: 'l1', source: 'start', sourcePort: 'main', target: 'each' },
    { id: 'l2', source: 'each', sourcePort: 'body', target: 'fetch' },
    { id: 'l3', source: 'fetch', sourcePort: 'main', target: 'inner' },
    { id: 'l4', source: 'inner', sourcePort: 'body', target: 'deep' },
    { id: 'l5', source: 'deep', sourcePort: 'main', target: 'inner' },
    { id: 'l6', source: 'inner', sourcePort: 'done', target: 'shape' },
    { id: 'l7', source: 'shape', sourcePort: 'main', target: 'each' },
    { id: 'l8', source: 'each', sourcePort: 'done', target: 'after' },
  ],
};

describe('connectionProblem in loop frames', () => {
  it('refuses exactly the edges validation would report, in the same words', () => {
    expect(validateGraph(loops).filter((problem) => problem.code !== 'unreachable')).toEqual([]);
    let refused = 0;
    let allowed = 0;
    for (const source of loops.nodes) {
      for (const sourcePort of portsOf(types(source.type) as GraphNodeType, source.config)) {
        for (const target of loops.nodes) {
          const connection = { source: source.id, sourcePort, target: target.id };
          const editor = connectionProblem(loops, connection, types);
          const server = serverVerdict(connection, loops);
          const label = `${source.id}.${sourcePort} → ${target.id}`;
          if (!editor) {
            expect(server, label).toEqual([]);
            allowed++;
            continue;
          }
          refused++;
          const same = server.find((problem) => problem.code === editor.code);
          expect(same, `${label}: ${editor.code}`).toBeDefined();
          if (editor.code !== 'cycle') expect(editor.message, label).toBe(same?.message);
        }
      }
    }
    expect(allowed).toBeGreaterThan(2);
    expect(refused).toBeGreaterThan(40);
  });

  it('says why an edge may not cross a frame, and that a body has one start and one end', () => {
    const words = (source: string, sourcePort: string, target: string) =>
      connectionProblem(loops, { source, sourcePort, target }, types)?.message;
    expect(words('start', 'main', 'spare')).toBe(
      '"spare" is inside the loop "each": its frame is entered only from the body port of "each"',
    );
    expect(words('spare', 'main', 'after')).toBe(
      '"spare" is inside the loop "each": only the body\'s last node leaves its frame, connected back to "each"',
    );
    expect(words('each', 'body', 'after')).toBe(
      'the body port of "each" leads into its frame: "after" is not inside "each"',
    );
    expect(words('each', 'body', 'spare')).toBe(
      'the body of "each" already starts at "fetch"; a loop\'s body has one first node',
    );
    expect(words('spare', 'main', 'each')).toBe(
      'the body of "each" already ends at "shape", connected back to it; a loop\'s body has one last node',
    );
    // Inside one frame the usual rules hold; the return edge made no cycle and is no input of the loop.
    expect(words('fetch', 'main', 'spare')).toBeUndefined();
    expect(words('shape', 'main', 'fetch')).toMatch(/makes a loop/);
    const open = { ...loops, edges: loops.edges.filter((edge) => edge.id !== 'l7') };
    expect(connectionProblem(open, { source: 'spare', sourcePort: 'main', target: 'each' }, types)).toBeUndefined();
  });
});
