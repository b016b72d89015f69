import { findNodeType } from '../../nodes/catalogue.ts';
import type { NodeDefinition } from '../../nodes/define.ts';
import type { Graph, Problem } from './graph/model.ts';
import type { NodeTypeLookup as TypeLookup } from './graph/node-type.ts';
import { graphProblems } from './graph/validate.ts';

export type NodeTypeLookup = TypeLookup<NodeDefinition>;

/**
 * Every reason a (well-shaped) graph cannot run, by the graph rules the editor shares
 * (server/core/graph/), over the node catalogue: here each config is parsed by its node's zod
 * schema too, which only the server holds. An empty list means the graph may become a version.
 */
export function validateGraph(graph: Graph, lookup: NodeTypeLookup = findNodeType): Problem[] {
  return graphProblems(graph, lookup);
}
