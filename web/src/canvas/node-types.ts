import { createContext, useContext } from 'react';
import type { NodeAffordance } from '../../../nodes/appearance.ts';
import type { GraphNodeType, NodeTypeLookup } from '../../../server/core/graph/node-type.ts';
import { portsOf } from '../../../server/core/graph/ports.ts';
import { schemaParser } from '../../../server/core/graph/schema-check.ts';
import type { NodeType } from '../api/types.ts';

/**
 * The node types the server serves (`GET /node-types`), indexed by type name, with the questions
 * the canvas and the editor ask of them. Only data: the node catalogue's code stays on the server,
 * and a type this app was never built with is drawn by what the server says about it.
 */
export class NodeTypes {
  readonly #byType: ReadonlyMap<string, NodeType>;
  readonly #forRules = new Map<string, GraphNodeType>();

  readonly list: readonly NodeType[];

  constructor(list: readonly NodeType[]) {
    this.list = list;
    this.#byType = new Map(list.map((type) => [type.type, type]));
  }

  get(type: string): NodeType | undefined {
    return this.#byType.get(type);
  }

  /**
   * For the shared graph rules (server/core/graph/), which take node types as data: each with a
   * check of its config's JSON Schema, so the editor flags config problems as they are typed.
   */
  readonly lookup: NodeTypeLookup = (type) => {
    const known = this.#forRules.get(type);
    if (known) return known;
    const served = this.#byType.get(type);
    if (!served) return undefined;
    const withCheck: GraphNodeType = { ...served, config: schemaParser(served.configSchema) };
    this.#forRules.set(type, withCheck);
    return withCheck;
  };

  /**
   * The output ports a node draws (with `error` last when its settings route errors there); a node
   * of an unknown type keeps the one every node has.
   */
  portsOf(type: string, config: unknown, settings?: unknown): readonly string[] {
    const known = this.#byType.get(type);
    return known ? portsOf(known, config, settings) : ['main'];
  }

  /** Whether a node of this type may handle its errors (Stop and error may not). */
  handlesErrors(type: string): boolean {
    return this.#byType.get(type)?.errorSettings ?? true;
  }

  isTrigger(type: string): boolean {
    return this.#byType.get(type)?.kind === 'trigger';
  }

  titleOf(type: string): string {
    return this.#byType.get(type)?.title ?? type;
  }

  offers(type: string, affordance: NodeAffordance): boolean {
    return this.#byType.get(type)?.affordances.includes(affordance) ?? false;
  }
}

/** The node types the canvas draws with; set by whoever draws one (the editor, a read-only canvas). */
export const NodeTypesContext = createContext<NodeTypes>(new NodeTypes([]));

export const useNodeTypesContext = () => useContext(NodeTypesContext);
