import type { NodeAffordance } from '../../../nodes/appearance.ts';
import type { NodeKind, PortsByConfigValue, PortsFromConfig, TriggerRequirement } from '../../../nodes/define.ts';

/**
 * One thing a config check found wrong: where (inside the config) and what, in zod's issue
 * vocabulary (the editor's JSON Schema check speaks it too), so config-words.ts can say it plainly.
 */
export interface ConfigIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly origin?: string;
  readonly expected?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly values?: readonly unknown[];
  readonly format?: string;
  readonly keys?: readonly string[];
  /** Why a key of a record was refused (`invalid_key`). */
  readonly issues?: readonly ConfigIssue[];
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
  /** Ports chosen by a config field's value instead of `outputs` (a Wait's mode). */
  readonly outputsBy?: PortsByConfigValue | undefined;
  readonly acceptsManyInputs: boolean;
  /** What the editor draws beside the node; `loop-frame` makes it a loop holding a body (loops.ts). */
  readonly affordances?: readonly NodeAffordance[];
  /** False for a type whose error cannot be handled (Stop and error): its `onError` must stay `stop`. */
  readonly errorSettings?: boolean;
  /** The trigger a workflow needs for a node of this type to make sense (rule `needs_trigger`). */
  readonly needsTrigger?: TriggerRequirement | undefined;
  /**
   * The config's check: on the server each node's zod schema (its refinements included); in the
   * editor a check of the JSON Schema (schema-check.ts), which covers what JSON Schema can say and
   * leaves the rest to the server's problem list. Ports are read from the config it passes.
   */
  readonly config?: ConfigParser;
  /**
   * The config's JSON Schema (what `GET /node-types` serves as `configSchema`): which fields hold
   * `{{ }}` expressions (`format: "template"`) and what the form calls each field.
   */
  readonly configSchema?: Readonly<Record<string, unknown>>;
}

export type NodeTypeLookup<Type extends GraphNodeType = GraphNodeType> = (type: string) => Type | undefined;
