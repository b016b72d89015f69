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
  /**
   * Inbound edges, in graph order. A loop's do not include the edge back from its body's end
   * (that ends an iteration; it is no input of the loop).
   */
  readonly inbound: readonly GraphEdge[];
  /** Outbound edges; a body end's do not include the edge back to its loop. */
  readonly outbound: readonly GraphEdge[];
  /**
   * The inbound edges that join it to nodes of its own frame: all of them but a body start's edge
   * from its loop (a body start's input is its iteration's item).
   */
  readonly frameInbound: readonly GraphEdge[];
  /** The loop whose body frame holds the node (`parentId`); undefined at the top. */
  readonly loop: string | undefined;
  /** How many loop frames hold the node: the number of parts of its steps' scopes. */
  readonly depth: number;
}

/** A loop's body as the engine runs it: where an iteration starts and the node whose output it gives. */
export interface LoopBody {
  readonly loop: CompiledNode;
  readonly start: CompiledNode;
  /** The one node connected back to the loop; its output is the iteration's. */
  readonly end: CompiledNode | undefined;
}

/** A valid graph turned into what the engine walks: nodes with parsed configs and their edges. */
export interface CompiledGraph {
  readonly nodes: ReadonlyMap<string, CompiledNode>;
  readonly trigger: CompiledNode;
  readonly byName: ReadonlyMap<string, CompiledNode>;
  /** The nodes of each frame: `''` the top level, else a loop's id (its body). */
  readonly frames: ReadonlyMap<string, readonly CompiledNode[]>;
  /** Each loop's body, by loop id. */
  readonly loops: ReadonlyMap<string, LoopBody>;
  /** The workflow settings the graph was saved with (time cap, error workflow). */
  readonly settings: WorkflowSettings;
}

/** Whether a node type runs a body frame once per item (`flow.loop`). */
export const isLoop = (definition: NodeDefinition): boolean => definition.affordances.includes('loop-frame');

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
  const parentOf = new Map(graph.nodes.map((node) => [node.id, node.parentId]));
  const inbound = new Map<string, GraphEdge[]>();
  const outbound = new Map<string, GraphEdge[]>();
  const endOf = new Map<string, string>();
  for (const edge of graph.edges) {
    if (parentOf.get(edge.source) === edge.target) {
      endOf.set(edge.target, edge.source); // a body's end back to its loop: no input, no successor
      continue;
    }
    inbound.set(edge.target, [...(inbound.get(edge.target) ?? []), edge]);
    outbound.set(edge.source, [...(outbound.get(edge.source) ?? []), edge]);
  }
  const depthOf = (id: string): number => {
    let depth = 0;
    for (let parent = parentOf.get(id); parent !== undefined; parent = parentOf.get(parent)) depth++;
    return depth;
  };
  const nodes = new Map<string, CompiledNode>();
  const frames = new Map<string, CompiledNode[]>();
  let trigger: CompiledNode | undefined;
  for (const node of graph.nodes) {
    const definition = lookup(node.type) as NodeDefinition;
    const edgesIn = inbound.get(node.id) ?? [];
    const compiled: CompiledNode = {
      node,
      definition,
      config: definition.config.parse(node.config),
      settings: nodeSettingsOf(node),
      inbound: edgesIn,
      outbound: outbound.get(node.id) ?? [],
      frameInbound: edgesIn.filter((edge) => edge.source !== node.parentId),
      loop: node.parentId,
      depth: depthOf(node.id),
    };
    nodes.set(node.id, compiled);
    frames.set(node.parentId ?? '', [...(frames.get(node.parentId ?? '') ?? []), compiled]);
    if (definition.kind === 'trigger') trigger = compiled;
  }
  const loops = new Map<string, LoopBody>();
  for (const compiled of nodes.values()) {
    if (!isLoop(compiled.definition)) continue;
    const bodyEdge = compiled.outbound.find((edge) => edge.sourcePort === 'body');
    const start = bodyEdge && nodes.get(bodyEdge.target);
    if (!start) throw new InvalidGraphError(`the graph cannot run: loop "${compiled.node.name}" has no body`);
    const end = endOf.get(compiled.node.id);
    loops.set(compiled.node.id, { loop: compiled, start, end: end === undefined ? undefined : nodes.get(end) });
  }
  return {
    nodes,
    trigger: trigger as CompiledNode,
    byName: new Map([...nodes.values()].map((compiled) => [compiled.node.name, compiled])),
    frames,
    loops,
    settings: graph.settings ?? {},
  };
}
