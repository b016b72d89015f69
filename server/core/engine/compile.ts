import { findNodeType } from '../../../nodes/catalogue.ts';
import type { NodeDefinition } from '../../../nodes/define.ts';
import type { Graph, GraphEdge, GraphNode } from '../graph/model.ts';
import { type NodeSettings, nodeSettingsOf, type WorkflowSettings } from '../graph/settings.ts';
import { type NodeTypeLookup, validateGraph } from '../validate.ts';

export interface CompiledNode {
  readonly node: GraphNode;
  readonly definition: NodeDefinition;
  /** The node's config parsed by its type's schema, defaults filled. */
  readonly config: unknown;
  /** The node's settings (error handling, retry), defaults filled. */
  readonly settings: NodeSettings;
  /** Inbound edges, in graph order. */
  readonly inbound: readonly GraphEdge[];
  readonly outbound: readonly GraphEdge[];
}

/** A valid graph turned into what the engine walks: nodes with parsed configs and their edges. */
export interface CompiledGraph {
  readonly nodes: ReadonlyMap<string, CompiledNode>;
  readonly trigger: CompiledNode;
  readonly byName: ReadonlyMap<string, CompiledNode>;
  /** The workflow settings the graph was saved with (time cap, error workflow). */
  readonly settings: WorkflowSettings;
}

export class InvalidGraphError extends Error {
  override name = 'InvalidGraphError';
}

/**
 * Compiles a graph for running. Versions were validated when saved; this checks again, since a
 * stored graph is `unknown` until parsed and node schemas may have changed since it was written.
 */
export function compileGraph(graph: Graph, lookup: NodeTypeLookup = findNodeType): CompiledGraph {
  const problems = validateGraph(graph, lookup);
  if (problems.length > 0) {
    throw new InvalidGraphError(`the graph cannot run: ${problems.map((problem) => problem.message).join('; ')}`);
  }
  const inbound = new Map<string, GraphEdge[]>();
  const outbound = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    inbound.set(edge.target, [...(inbound.get(edge.target) ?? []), edge]);
    outbound.set(edge.source, [...(outbound.get(edge.source) ?? []), edge]);
  }
  const nodes = new Map<string, CompiledNode>();
  let trigger: CompiledNode | undefined;
  for (const node of graph.nodes) {
    const definition = lookup(node.type) as NodeDefinition;
    const compiled: CompiledNode = {
      node,
      definition,
      config: definition.config.parse(node.config),
      settings: nodeSettingsOf(node),
      inbound: inbound.get(node.id) ?? [],
      outbound: outbound.get(node.id) ?? [],
    };
    nodes.set(node.id, compiled);
    if (definition.kind === 'trigger') trigger = compiled;
  }
  return {
    nodes,
    trigger: trigger as CompiledNode,
    byName: new Map([...nodes.values()].map((compiled) => [compiled.node.name, compiled])),
    settings: graph.settings ?? {},
  };
}
