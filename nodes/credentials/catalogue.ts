import basic from './basic.credential.ts';
import bearer from './bearer.credential.ts';
import type { CredentialDefinition } from './define.ts';
import header from './header.credential.ts';
import hmac from './hmac.credential.ts';
import query from './query.credential.ts';
import smtp from './smtp.credential.ts';

/**
 * Every credential type Stepwise knows, in the order the credentials page offers them. Adding an
 * HTTP-style type = one file + one line here (docs/guides/add-a-credential-type.md).
 */
export const credentialCatalogue = [bearer, basic, header, query, hmac, smtp] as const;

/** A type's name as stored with each credential and named by node settings. */
export type CredentialType = (typeof credentialCatalogue)[number]['type'];

const byType = new Map<string, CredentialDefinition>(
  credentialCatalogue.map((definition) => [definition.type, definition as CredentialDefinition]),
);

export function findCredentialType(type: string): CredentialDefinition | undefined {
  return byType.get(type);
}

/** The types that can authenticate an HTTP request: what an HTTP node may pick. */
export const httpCredentialTypes: readonly CredentialType[] = credentialCatalogue
  .filter((definition) => 'http' in definition)
  .map((definition) => definition.type);
