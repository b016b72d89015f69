/**
 * Property-based tests: random and mutated graphs thrown at the validator and the API. Whatever
 * arrives, the answer is a 2xx or a 4xx naming the problem (never a 500), the API accepts a graph
 * exactly when the validator finds no problem, and a refused request changes nothing stored.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../nodes/catalogue.ts';
import { Graph, type GraphEdge, type GraphNode } from '../core/graph/model.ts';
import { validateGraph } from '../core/validate.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { storeFile } from '../testing/store.ts';

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const types = [...catalogue.map((definition) => definition.type), 'no.such.type'];
const ports = ['main', 'true', 'false', 'default', 'nope'];

/** Configs that are valid for some node types, invalid for others, or nonsense. */
const configPool: Array<Record<string, unknown>> = [
  {},
  { url: 'https://example.test/x' },
  { url: 'ftp://x' },
  { url: '{{ steps.a.output.url }}' },
  { rules: [{ left: '{{ input.total }}', operator: 'greaterThan', right: '10' }] },
  { rules: [{ left: '1', operator: 'equals' }] },
  { value: '{{ input.kind }}', cases: [{ port: 'big', value: 'x' }] },
  { fields: [{ path: 'a.b', value: '{{ input.x' }] },
  { fields: [{ path: '__proto__.polluted', value: '1' }] },
  { code: 'return input;' },
  { cron: '*/5 * * * *', timezone: 'Europe/Paris' },
  { cron: 'every now and then' },
  { path: 'orders/new' },
  { amount: 5, unit: 'minutes' },
  { amount: 99999, unit: 'days' },
  { mode: 'list' },
  { unknownField: true },
];

const nodeArb: fc.Arbitrary<GraphNode> = fc.record({
  id: fc.constantFrom(...ids),
  type: fc.constantFrom(...types),
  name: fc.constantFrom('a', 'b', 'c', 'Start', 'Call', 'Tidy'),
  position: fc.record({ x: fc.integer({ min: -500, max: 500 }), y: fc.integer({ min: -500, max: 500 }) }),
  config: fc.constantFrom(...configPool),
});

const edgeArb: fc.Arbitrary<GraphEdge> = fc.record({
  id: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5'),
  source: fc.constantFrom(...ids, 'ghost'),
  sourcePort: fc.constantFrom(...ports),
  target: fc.constantFrom(...ids, 'ghost'),
});

const randomGraph: fc.Arbitrary<Graph> = fc.record({
  nodes: fc.array(nodeArb, { maxLength: 6 }),
  edges: fc.array(edgeArb, { maxLength: 6 }),
});

/**
 *   Start ──▶ Tidy ──▶ Check ─true─▶ Call
 *   A valid graph that mutations start from.
 */
const validBase = (): Graph => ({
  nodes: [
    { id: 'a', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    { id: 'b', type: 'transform.set', name: 'Tidy', position: { x: 0, y: 100 }, config: {} },
    {
      id: 'c',
      type: 'condition.if',
      name: 'Check',
      position: { x: 0, y: 200 },
      config: { rules: [{ left: '{{ steps.Tidy.output.total }}', operator: 'greaterThan', right: '10' }] },
    },
    {
      id: 'd',
      type: 'action.http',
      name: 'Call',
      position: { x: 0, y: 300 },
      config: { url: 'https://example.test/' },
    },
  ],
  edges: [
    { id: 'e1', source: 'a', sourcePort: 'main', target: 'b' },
    { id: 'e2', source: 'b', sourcePort: 'main', target: 'c' },
    { id: 'e3', source: 'c', sourcePort: 'true', target: 'd' },
  ],
});

type Mutation = (graph: Graph) => void;
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat(9).map(
    (index): Mutation =>
      (graph) =>
        void graph.nodes.splice(index % Math.max(1, graph.nodes.length), 1),
  ),
  fc.nat(9).map(
    (index): Mutation =>
      (graph) =>
        void graph.edges.splice(index % Math.max(1, graph.edges.length), 1),
  ),
  edgeArb.map(
    (edge): Mutation =>
      (graph) =>
        void graph.edges.push(edge),
  ),
  nodeArb.map(
    (node): Mutation =>
      (graph) =>
        void graph.nodes.push(node),
  ),
  fc.tuple(fc.nat(9), fc.constantFrom(...types)).map(
    ([index, type]): Mutation =>
      (graph) => {
        const node = graph.nodes[index % Math.max(1, graph.nodes.length)];
        if (node) node.type = type;
      },
  ),
  fc.tuple(fc.nat(9), fc.constantFrom(...configPool)).map(
    ([index, config]): Mutation =>
      (graph) => {
        const node = graph.nodes[index % Math.max(1, graph.nodes.length)];
        if (node) node.config = config;
      },
  ),
  fc.tuple(fc.nat(9), fc.constantFrom(...ports)).map(
    ([index, port]): Mutation =>
      (graph) => {
        const edge = graph.edges[index % Math.max(1, graph.edges.length)];
        if (edge) edge.sourcePort = port;
      },
  ),
  fc.tuple(fc.nat(9), fc.constantFrom('Start', 'Tidy', 'Check', 'Call')).map(
    ([index, name]): Mutation =>
      (graph) => {
        const node = graph.nodes[index % Math.max(1, graph.nodes.length)];
        if (node) node.name = name;
      },
  ),
);

const mutatedGraph: fc.Arbitrary<Graph> = fc.array(mutationArb, { minLength: 1, maxLength: 4 }).map((mutations) => {
  const graph = validBase();
  for (const mutate of mutations) mutate(graph);
  return graph;
});

/** Damage to the shape itself: what a broken client or a hostile one might send. */
const malformedGraph: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  mutatedGraph.chain((graph) =>
    fc
      .constantFrom<(g: Graph) => unknown>(
        (g) => ({ ...g, nodes: 'x' }),
        (g) => ({ ...g, extra: 1 }),
        (g) => ({ nodes: g.nodes.map((node) => ({ ...node, id: '' })), edges: g.edges }),
        (g) => ({ nodes: g.nodes.map((node) => ({ ...node, position: { x: 'left' } })), edges: g.edges }),
        (g) => ({ nodes: g.nodes.map(({ name: _, ...node }) => node), edges: g.edges }),
        (g) => ({ nodes: g.nodes, edges: g.edges.map((edge) => ({ ...edge, target: 42 })) }),
        (g) => ({ nodes: g.nodes.map((node) => ({ ...node, config: [1, 2] })), edges: g.edges }),
      )
      .map((damage) => damage(graph)),
  ),
);

const anyGraph = fc.oneof(randomGraph, mutatedGraph);

describe('validator under random graphs', () => {
  it('never throws, and every problem names a node or edge that exists, or is the missing trigger', () => {
    fc.assert(
      fc.property(anyGraph, (graph) => {
        const problems = validateGraph(graph);
        const nodeIds = new Set(graph.nodes.map((node) => node.id));
        const edgeIds = new Set(graph.edges.map((edge) => edge.id));
        for (const problem of problems) {
          expect(problem.message.length).toBeGreaterThan(0);
          if (problem.nodeId !== undefined) expect(nodeIds.has(problem.nodeId)).toBe(true);
          if (problem.edgeId !== undefined) expect(edgeIds.has(problem.edgeId)).toBe(true);
          if (problem.nodeId === undefined && problem.edgeId === undefined) expect(problem.code).toBe('trigger_count');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts the unmutated base graph', () => {
    expect(validateGraph(validBase())).toEqual([]);
  });
});

describe('API under random graphs', () => {
  let api: TestApi;
  let workflowId: string;
  const snapshot = () =>
    JSON.stringify(
      ['workflows', 'workflow_versions', 'publications'].map((table) =>
        storeFile(api.store).all(`select * from ${table} order by rowid`),
      ),
    );

  beforeAll(async () => {
    api = testApi();
    workflowId = (await api.call('POST', '/api/v1/workflows', { name: 'Fuzzed' })).body.id;
  });
  afterAll(() => api.cleanup());

  it('saves a version exactly when the validator finds no problem; a refusal names the problem and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(anyGraph, async (graph) => {
        const before = snapshot();
        const answer = await api.call('POST', `/api/v1/workflows/${workflowId}/versions`, { graph });
        const problems = validateGraph(Graph.parse(graph));
        if (problems.length === 0) {
          expect(answer.status).toBe(201);
          return;
        }
        expect(answer.status).toBe(422);
        expect(answer.body.error.code).toBe('invalid_graph');
        expect(answer.body.error.details.problems).toEqual(problems);
        expect(snapshot()).toBe(before);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses malformed graphs with a 400 naming a field, for drafts and versions alike, changing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(malformedGraph, fc.constantFrom('draft', 'version'), async (graph, target) => {
        fc.pre(!Graph.safeParse(graph).success);
        const before = snapshot();
        const answer =
          target === 'draft'
            ? await api.call('PUT', `/api/v1/workflows/${workflowId}/draft`, { graph })
            : await api.call('POST', `/api/v1/workflows/${workflowId}/versions`, { graph });
        expect(answer.status).toBe(400);
        expect(answer.body.error.code).toBe('validation_failed');
        expect(answer.body.error.details[0].field).toMatch(/^graph/);
        expect(snapshot()).toBe(before);
      }),
      { numRuns: 150 },
    );
  });

  it('answers any JSON body on any write route with a 4xx or success, never a 500', async () => {
    const routes: Array<[string, string]> = [
      ['POST', '/api/v1/workflows'],
      ['PATCH', `/api/v1/workflows/${workflowId}`],
      ['PUT', `/api/v1/workflows/${workflowId}/draft`],
      ['POST', `/api/v1/workflows/${workflowId}/versions`],
      ['POST', `/api/v1/workflows/${workflowId}/publish`],
      ['POST', '/api/v1/workflows/import'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.jsonValue(), fc.string()),
        async ([method, path], body) => {
          const answer = await api.call(method, path, typeof body === 'string' ? body : JSON.stringify(body));
          expect(answer.status).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(typeof answer.body.error.code).toBe('string');
            expect(answer.body.error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a saved draft’s problems equal to the validator’s', async () => {
    await fc.assert(
      fc.asyncProperty(anyGraph, async (graph) => {
        const answer = await api.call('PUT', `/api/v1/workflows/${workflowId}/draft`, { graph });
        expect(answer.status).toBe(200);
        expect(answer.body.problems).toEqual(validateGraph(Graph.parse(graph)));
        expect(answer.body.valid).toBe(answer.body.problems.length === 0);
      }),
      { numRuns: 100 },
    );
  });
});
