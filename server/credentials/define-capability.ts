import type { z } from 'zod';
import type { CredentialDefinition } from '../../nodes/credentials/define.ts';

/** An incoming request as a signature check reads it: the body exactly as sent, and its headers. */
export interface SignedRequest {
  /** The bytes received (a string stands for its UTF-8 bytes): never text decoded from them, which would alter a binary upload. */
  readonly rawBody: Uint8Array | string;
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
}

/** A capability as its callers hold it: functions of the stored (unparsed) secret. */
export interface CredentialCapability {
  readonly type: string;
  verifyWebhook?(storedSecret: unknown, request: SignedRequest): RefusedSignature | VerifiedSignature;
}

/** Ties a capability to its credential type: each function parses the stored secret with the type's schema first. */
export function defineCapability<Secret extends z.ZodObject>(
  definition: CredentialDefinition<string, Secret>,
  spec: CapabilitySpec<z.output<Secret>>,
): CredentialCapability {
  const { verifyWebhook } = spec;
  return {
    type: definition.type,
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
