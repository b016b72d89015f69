import type { NodeKind, PortsFromConfig } from '../../../nodes/define.ts';

/** One thing a config check found wrong: where (inside the config) and what. */
export interface ConfigIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** A node type's config schema as the graph rules use it: zod's `safeParse`, seen structurally. */
export interface ConfigParser {
  safeParse(
    value: unknown,
  ): { success: true; data: unknown } | { success: false; error: { issues: readonly ConfigIssue[] } };
}

/**
 * What the graph rules need to know of a node type, as data: on the server the catalogue's
 * definitions, in the editor the node types `GET /node-types` serves (the same fields, meaning the
 * same). Nothing here is node code, so the editor runs the rules without the catalogue.
 */
export interface GraphNodeType {
  readonly kind: NodeKind;
  /** Ports every node of the type has. */
  readonly outputs: readonly string[];
  /** Ports its config names (a Switch's cases), before `outputs`. */
  readonly outputsFrom?: PortsFromConfig | undefined;
  readonly acceptsManyInputs: boolean;
  /**
   * The config's schema: the server has each node's zod schema, so it checks configs and takes a
   * node's ports from its parsed config. The editor has none: config problems reach it in the
   * server's problem list, and ports come from the config as it stands.
   */
  readonly config?: ConfigParser;
}

export type NodeTypeLookup<Type extends GraphNodeType = GraphNodeType> = (type: string) => Type | undefined;
