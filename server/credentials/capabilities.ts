import type { CredentialCapability } from './define-capability.ts';
import hmac from './hmac.capability.ts';
import oauth2 from './oauth2.capability.ts';
import postgres from './postgres.capability.ts';
import signingKey from './signing-key.capability.ts';
import smtp from './smtp.capability.ts';

/** The server side of protocol credential types: adding one = its definition, its capability file, one line here. */
export const capabilities: readonly CredentialCapability[] = [hmac, oauth2, smtp, postgres, signingKey];

const byType = new Map(capabilities.map((capability) => [capability.type, capability]));

/** What a credential type does on the server, if it is a protocol type. */
export function capabilityOf(type: string): CredentialCapability | undefined {
  return byType.get(type);
}
