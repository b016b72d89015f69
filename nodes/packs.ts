import type { CredentialDefinition } from './credentials/define.ts';
import type { NodeDefinition, NodeKind } from './define.ts';
import type { PackSdk } from './pack-sdk.ts';

/**
 * Node packs: node and credential types an operator installs beside Stepwise (an npm package or a
 * folder named in `NODE_PACKS`), loaded at start by every process that needs them and joined to
 * the catalogues (server/packs/ loads and checks them). A pack is trusted code, like Stepwise
 * itself: it is never uploaded through the app. examples/node-pack/README.md is the guide.
 */

/** Which pack a node or credential type came from: the editor shows it as `name@version`. */
export interface PackInfo {
  readonly name: string;
  readonly version: string;
}

/** What a pack module gives Stepwise: its node types and, optionally, credential types for them. */
export interface NodePack extends PackInfo {
  readonly nodes: readonly NodeDefinition[];
  readonly credentials?: readonly CredentialDefinition[];
}

/**
 * A pack module's export (default, or named `pack`): a function of the SDK, so the pack builds its
 * types with the same `z`, `defineNode` and error classes Stepwise checks and runs them with, and
 * needs no import from Stepwise's files at run time. A plain `NodePack` object is taken too.
 */
export type NodePackFactory = (sdk: PackSdk) => NodePack | Promise<NodePack>;

/** A pack's name: a lower-case word or words joined by `-`; it is part of every type name it adds. */
export const PACK_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const MAX_PACK_NAME = 40;

/** The part of a type name a pack chooses itself, after its namespace: `textCase`. */
export const PACK_LOCAL_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;
export const MAX_PACK_LOCAL_NAME = 40;

/**
 * A pack's node types are `<kind>.<pack>.<name>`: the kind first, as for every type (the palette
 * and the graph rules read it there), then the pack's name, so two packs, or a pack and a later
 * built-in (always `<kind>.<name>`), can never claim the same name.
 */
export const packNodeTypePrefix = (kind: NodeKind, pack: string) => `${kind}.${pack}.`;

/** A pack's credential types are `<pack>.<name>`; built-in ones have no dot. */
export const packCredentialTypePrefix = (pack: string) => `${pack}.`;

/** The node kinds a pack may add: Stepwise starts runs only from its own triggers. */
export const PACK_NODE_KINDS = ['condition', 'transform', 'action', 'flow'] as const satisfies readonly NodeKind[];
