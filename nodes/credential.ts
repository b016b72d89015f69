import { z } from 'zod';
import type { CredentialType } from './credentials/catalogue.ts';

export type { CredentialType };

/**
 * A config field holding a stored credential's id. The JSON Schema says `format: 'credential'` and
 * which types fit, so the web app offers those credentials by name instead of a box for a UUID;
 * parsing stays a plain non-empty string (the id is checked when it is used, not when it is saved).
 */
export const credentialRef = (types: readonly CredentialType[], description: string) =>
  credentialField(types, description);

/**
 * `credentialRef` for types this repository does not know by name: a node pack's own credential
 * types (`<pack>.<name>`), which exist only once the pack is loaded.
 */
export const credentialField = (types: readonly string[], description: string) =>
  z
    .string()
    .min(1)
    .meta({ format: 'credential', credentialTypes: [...types], description });
