import type { PackInfo } from '../packs.ts';
import basic from './basic.credential.ts';
import bearer from './bearer.credential.ts';
import type { CredentialDefinition } from './define.ts';
import header from './header.credential.ts';
import hmac from './hmac.credential.ts';
import oauth2 from './oauth2.credential.ts';
import postgres from './postgres.credential.ts';
import query from './query.credential.ts';
import signingKey from './signing-key.credential.ts';
import smtp from './smtp.credential.ts';

/**
 * Every credential type Stepwise knows, in the order the credentials page offers them. Adding an
 * HTTP-style type = one file + one line here (docs/guides/add-a-credential-type.md).
 */
export const credentialCatalogue = [bearer, basic, header, query, oauth2, hmac, smtp, postgres, signingKey] as const;

/** A type's name as stored with each credential and named by node settings. */
export type CredentialType = (typeof credentialCatalogue)[number]['type'];

const byType = new Map<string, CredentialDefinition>(
  credentialCatalogue.map((definition) => [definition.type, definition as CredentialDefinition]),
);

/** The node packs' credential types (nodes/packs.ts), in the order they were added, and the pack of each. */
const fromPacks: CredentialDefinition[] = [];
const packByType = new Map<string, PackInfo>();

export function findCredentialType(type: string): CredentialDefinition | undefined {
  return byType.get(type);
}

/** Every credential type this process knows, in the order the credentials page offers them: built-ins, then packs'. */
export function credentialTypes(): readonly CredentialDefinition[] {
  const builtIn = credentialCatalogue as readonly CredentialDefinition[];
  return fromPacks.length === 0 ? builtIn : [...builtIn, ...fromPacks];
}

/** The pack a credential type came from; undefined for a built-in (or unknown) type. */
export function packOfCredentialType(type: string): PackInfo | undefined {
  return packByType.get(type);
}

/**
 * Joins a pack's credential types to the catalogue, behind `findCredentialType` (which the worker
 * authenticates requests by) and `credentialTypes`. Called at start with types server/packs/ has
 * checked; a name already taken is refused here too.
 */
export function addPackCredentialTypes(pack: PackInfo, definitions: readonly CredentialDefinition[]): void {
  const names = definitions.map((definition) => definition.type);
  const taken = names.find((name, index) => byType.has(name) || names.indexOf(name) !== index);
  if (taken !== undefined) throw new Error(`credential type "${taken}" of pack ${pack.name} is already known`);
  for (const definition of definitions) {
    byType.set(definition.type, definition);
    packByType.set(definition.type, { name: pack.name, version: pack.version });
    fromPacks.push(definition);
  }
}

/**
 * The built-in types that can authenticate an HTTP request: what the HTTP node may pick. A pack's
 * HTTP-style types are for the pack's own nodes, which name them in their `credentialRef`.
 */
export const httpCredentialTypes: readonly CredentialType[] = credentialCatalogue
  .filter((definition) => 'http' in definition || 'httpToken' in definition)
  .map((definition) => definition.type);
