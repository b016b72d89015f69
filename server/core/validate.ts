import { findNodeType } from '../../nodes/catalogue.ts';
import type { NodeDefinition } from '../../nodes/define.ts';
import { configJsonSchema } from './config-schema.ts';
import type { Graph, Problem } from './graph/model.ts';
import type { GraphNodeType, NodeTypeLookup as TypeLookup } from './graph/node-type.ts';
import { graphProblems } from './graph/validate.ts';

export type NodeTypeLookup = TypeLookup<NodeDefinition>;

/**
 * Every reason a (well-shaped) graph cannot run, by the graph rules the editor shares
 * (server/core/graph/), over the node catalogue: here each config is parsed by its node's zod
 * schema too, which only the server holds, and its issues are worded from the config's JSON Schema
 * (field labels, which fields hold expressions) as the editor words its own. An empty list means the
 * graph may become a version.
 */
export function validateGraph(graph: Graph, lookup: NodeTypeLookup = findNodeType): Problem[] {
  return graphProblems(graph, (type) => {
    const definition = lookup(type);
    return definition && withConfigSchema(definition);
  });
}

function withConfigSchema(definition: NodeDefinition): GraphNodeType {
  let type = described.get(definition);
  if (!type) {
    type = {
      kind: definition.kind,
      outputs: definition.outputs,
      outputsFrom: definition.outputsFrom,
      outputsBy: definition.outputsBy,
      acceptsManyInputs: definition.acceptsManyInputs,
      affordances: definition.affordances,
      errorSettings: definition.errorSettings,
      needsTrigger: definition.needsTrigger,
      config: definition.config,
      configSchema: configJsonSchema(definition),
    };
    described.set(definition, type);
  }
  return type;
}

const described = new WeakMap<NodeDefinition, GraphNodeType>();
