import { z } from 'zod';
import type { CredentialDefinition } from '../../nodes/credentials/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';

/** An incoming request as a signature check reads it: the body exactly as sent, and its headers. */
export interface SignedRequest {
  readonly rawBody: string;
  header(name: string): string | undefined;
}

/** A signature that verified: its digest (lower-case hex) and until when it would verify again (ms). */
export interface VerifiedSignature {
  digest: string;
  validUntilMs: number;
}

/** Why a signature is refused. */
export interface RefusedSignature {
  problem: string;
}

/** Tokens a token-carrying credential (OAuth 2) holds, as stored sealed with it. */
export const Tokens = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** ISO time; absent: the provider said nothing about when it expires. */
  expiresAt: z.string().optional(),
});
export type Tokens = z.output<typeof Tokens>;

/** Tokens a provider issued, and the scopes it granted (absent: as they were). */
export interface TokenGrant {
  tokens: Tokens;
  scopes?: string[];
}

/**
 * The provider refused to issue tokens for what the credential holds (a revoked or expired refresh
 * token, a wrong client secret): asking again will not help, an admin must connect it again.
 */
export class TokenRefused extends Error {
  override name = 'TokenRefused';
}

/** Token requests go through this (a worker's outbound HTTP as a fetch); `signal` aborts them. */
export type TokenFetch = typeof globalThis.fetch;

/**
 * What a protocol credential type does on the server beyond its definition in nodes/credentials/
 * (which holds no protocol code): one `<type>.capability.ts` file each, listed in capabilities.ts.
 * HTTP-style types need none: the worker applies their declaration (server/engine/authenticated-http.ts).
 * Each function gets the stored secret already parsed with the type's schema.
 */
export interface CapabilitySpec<Secret> {
  /**
   * Checks an incoming webhook request signed with the secret, in the API process: the verified
   * signature (remembered until it expires, to refuse replays), or why it is refused.
   */
  verifyWebhook?(secret: Secret, request: SignedRequest): RefusedSignature | VerifiedSignature;
  /**
   * Types whose requests carry a token (`httpToken` in their definition), in a worker: new tokens
   * from the provider, given the current ones (undefined before the first). Throws `TokenRefused`
   * when the provider refuses the grant, any other error when it could not be asked (retried).
   */
  renewTokens?(
    secret: Secret,
    current: Tokens | undefined,
    fetch: TokenFetch,
    signal?: AbortSignal,
  ): Promise<TokenGrant>;
}

/** A capability as its callers hold it: functions of the stored (unparsed) secret. */
export interface CredentialCapability {
  readonly type: string;
  verifyWebhook?(storedSecret: unknown, request: SignedRequest): RefusedSignature | VerifiedSignature;
  renewTokens?(
    storedSecret: unknown,
    current: Tokens | undefined,
    fetch: TokenFetch,
    signal?: AbortSignal,
  ): Promise<TokenGrant>;
}

/** Ties a capability to its credential type: each function parses the stored secret with the type's schema first. */
export function defineCapability<Secret extends z.ZodObject>(
  definition: CredentialDefinition<string, Secret>,
  spec: CapabilitySpec<z.output<Secret>>,
): CredentialCapability {
  const { verifyWebhook, renewTokens } = spec;
  return {
    type: definition.type,
    ...(renewTokens
      ? {
          renewTokens(storedSecret, current, fetch, signal) {
            const secret = definition.secret.safeParse(storedSecret);
            if (!secret.success) {
              const fields = [...new Set(secret.error.issues.map((issue) => issue.path.join('.') || '(whole)'))];
              throw new NonRetryableError(
                `the stored ${definition.type} settings do not fit their type (${fields.join(', ')})`,
              );
            }
            return renewTokens(secret.data, current, fetch, signal);
          },
        }
      : {}),
    ...(verifyWebhook
      ? {
          verifyWebhook(storedSecret, request) {
            const secret = definition.secret.safeParse(storedSecret);
            if (!secret.success)
              return { problem: `the webhook's ${definition.type} credential holds no valid secret` };
            return verifyWebhook(secret.data, request);
          },
        }
      : {}),
  };
}
