import { z } from 'zod';
import type { HttpAuthentication } from './http-auth.ts';

/**
 * A credential type: what an admin stores (its `secret`, encrypted at rest), which of its fields
 * are secret, and, for HTTP-style types, how a request is authenticated with it. The API validates
 * secrets with it, the credentials page renders its form from it, the worker authenticates with
 * it. Protocol types (HMAC today; SMTP, OAuth2, databases later) declare no `http` and do their work
 * in a capability file on the server (server/credentials/), since nodes/ holds no protocol code.
 */
export interface CredentialDefinition<Type extends string = string, Secret extends z.ZodObject = z.ZodObject> {
  /** Stored with each credential and named by node settings (`credentialRef`): never renamed. */
  readonly type: Type;
  readonly title: string;
  readonly description: string;
  /** The value an admin enters, one field each; titles and descriptions label the form's fields. */
  readonly secret: Secret;
  /**
   * The fields of `secret` that are secret: entered as passwords, never sent back, and masked out of
   * everything stored. The others (a header's name, a user name) are shown as typed.
   */
  readonly secretFields: readonly (keyof z.output<Secret> & string)[];
  /**
   * HTTP-style types: what the request gets (a header, a query parameter; http-auth.ts has the usual
   * ways). Pure, so a new HTTP-style type is this file and a line in the catalogue, nothing more.
   */
  http?(secret: z.output<Secret>): HttpAuthentication;
  /**
   * Types whose requests carry an access token obtained and renewed on the server (OAuth 2), never
   * typed in: how a request carries it. The token comes from the type's capability
   * (server/credentials/); like `http`, this is pure.
   */
  httpToken?(secret: z.output<Secret>, accessToken: string): HttpAuthentication;
  /**
   * Types that are connected after they are stored (OAuth 2): whether an admin connects it in the
   * browser (`interactive`) or the server fetches its tokens by itself, and the scopes it asks for.
   * Kept beside the sealed secret in the clear, so the credentials page can say how it stands.
   */
  connects?(secret: z.output<Secret>): CredentialConnecting;
  /** Well-known providers' settings: choosing one only fills in the form (data, never a code path). */
  readonly presets?: readonly CredentialPreset<z.input<Secret>>[];
}

/** How a credential of a connecting type is connected; see `CredentialDefinition.connects`. */
export interface CredentialConnecting {
  readonly interactive: boolean;
  readonly scopes: readonly string[];
}

/** Settings the credentials form starts from for one provider. */
export interface CredentialPreset<Input = Record<string, unknown>> {
  /** Stable, for tests and links. */
  readonly name: string;
  readonly title: string;
  readonly values: Partial<Input>;
}

/** Infers the secret's type from its zod schema, so it is never written twice. */
export function defineCredential<Type extends string, Secret extends z.ZodObject>(
  definition: CredentialDefinition<Type, Secret>,
): CredentialDefinition<Type, Secret> {
  return definition;
}

/**
 * The JSON Schema of a type's secret, as the credentials page renders it: each secret field is
 * marked `writeOnly` (JSON Schema's word for "sent, never read back"), which the form shows as a
 * password input.
 */
export function secretJsonSchema(definition: CredentialDefinition): Record<string, unknown> {
  const schema = z.toJSONSchema(definition.secret, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  for (const field of definition.secretFields) {
    const property = schema.properties?.[field];
    if (property) property.writeOnly = true;
  }
  return schema;
}

/** The values of a parsed secret's secret fields: what must never be stored or shown. */
export function secretValues(definition: CredentialDefinition, secret: Record<string, unknown>): string[] {
  return definition.secretFields
    .map((field) => secret[field])
    .filter((value): value is string => typeof value === 'string' && value !== '');
}
