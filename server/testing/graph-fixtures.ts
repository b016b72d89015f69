/**
 * Small builders for graphs in tests. Every graph goes through the `Graph` schema, so the tests
 * feed `validateGraph` and `diffGraphs` only shapes that a saved draft could really have.
 */
import { Graph, type GraphEdge, type GraphNode } from '../core/graph/model.ts';

/** A node named after its id (ids double as names, so expressions can say `steps.<id>`). */
export function node(
  id: string,
  type: string,
  config: Record<string, unknown> = {},
  overrides: Partial<Omit<GraphNode, 'id' | 'type' | 'config'>> = {},
): GraphNode {
  return { id, type, name: id, position: { x: 0, y: 0 }, config, ...overrides };
}

/** An edge whose id is derived from what it joins, unless one is given. */
export function edge(source: string, target: string, sourcePort = 'main', id?: string): GraphEdge {
  return { id: id ?? `${source}-${sourcePort}-${target}`, source, sourcePort, target };
}

export function graph(nodes: GraphNode[], edges: GraphEdge[] = []): Graph {
  return Graph.parse({ nodes, edges });
}

export const manualTrigger = (id = 'Start') => node(id, 'trigger.manual');

/** A `transform.set` writing each `[path, value]` pair. */
export const setFields = (id: string, ...fields: Array<[path: string, value: string]>) =>
  node(id, 'transform.set', { fields: fields.map(([path, value]) => ({ path, value })) });

export const ifNode = (id: string, left = '{{ input.total }}', right = '100') =>
  node(id, 'condition.if', { rules: [{ left, operator: 'greaterThan', right }] });

export const httpNode = (id: string, url = 'https://api.example.com/orders', extra: Record<string, unknown> = {}) =>
  node(id, 'action.http', { url, ...extra });

export const mergeNode = (id: string) => node(id, 'flow.merge');

/**
 * `n0 ──▶ n1 ──▶ … ──▶ n<length-1>`: a manual trigger followed by `transform.set` nodes.
 */
export function chain(length: number): Graph {
  const nodes = [manualTrigger('n0')];
  const edges: GraphEdge[] = [];
  for (let index = 1; index < length; index++) {
    nodes.push(setFields(`n${index}`));
    edges.push(edge(`n${index - 1}`, `n${index}`));
  }
  return graph(nodes, edges);
}
