import { z } from 'zod';
import { type CredentialDefinition, secretValues } from '../../nodes/credentials/define.ts';
import type {
  CredentialOperationName,
  OperationRequest,
  OperationResponse,
} from '../../nodes/credentials/operations.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import type { ConnectionTestResult } from './connection-test.ts';

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
 * What a step is shown of an operation it did with a credential (stored as `step_runs.request`,
 * beside its output, like an HTTP step's request): secrets are masked by the caller afterwards.
 */
export interface OperationRecord {
  readonly operation: string;
  /** One line: what was done where, such as "SMTP to mail.example.com:587". */
  readonly title: string;
  /** What people need to see (the query and its parameters, the recipients), as JSON. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What an operation gets besides the secret and the node's request. */
export interface OperationUse {
  /** Aborts when the run is canceled or the worker stops: give up and throw. */
  readonly signal: AbortSignal;
  /** Tells the step what was done, for the execution page. Call it before the work, so a failure shows it too. */
  record(done: OperationRecord): void;
}

type Operations<Secret> = {
  readonly [Name in CredentialOperationName]?: (
    secret: Secret,
    request: OperationRequest<Name>,
    use: OperationUse,
  ) => Promise<OperationResponse<Name>>;
};

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
  /**
   * Work a step asks for with `ctx.useCredential` (nodes/credentials/operations.ts), in a worker.
   * The request comes from a node's config: parse it with zod before use. Thrown errors fail the
   * step (a `NonRetryableError` from nodes/errors.ts when another attempt would fail the same way).
   */
  readonly operations?: Operations<Secret>;
  /** "Test connection", in a worker: reach the far side with the secret and say how it went. */
  testConnection?(secret: Secret, signal: AbortSignal): Promise<ConnectionTestResult>;
}

/** An operation as its callers hold it: a function of the stored (unparsed) secret. */
export type CapabilityOperation = (storedSecret: unknown, request: unknown, use: OperationUse) => Promise<unknown>;

/** A capability as its callers hold it: functions of the stored (unparsed) secret. */
export interface CredentialCapability {
  readonly type: string;
  /** The secret fields' values of a stored secret: masked out of everything the capability answers. */
  secrets(storedSecret: unknown): string[];
  verifyWebhook?(storedSecret: unknown, request: SignedRequest): RefusedSignature | VerifiedSignature;
  renewTokens?(
    storedSecret: unknown,
    current: Tokens | undefined,
    fetch: TokenFetch,
    signal?: AbortSignal,
  ): Promise<TokenGrant>;
  readonly operations: Readonly<Record<string, CapabilityOperation>>;
  testConnection?(storedSecret: unknown, signal: AbortSignal): Promise<ConnectionTestResult>;
}

/** Ties a capability to its credential type: each function parses the stored secret with the type's schema first. */
export function defineCapability<Secret extends z.ZodObject>(
  definition: CredentialDefinition<string, Secret>,
  spec: CapabilitySpec<z.output<Secret>>,
): CredentialCapability {
  const { verifyWebhook, testConnection, renewTokens } = spec;
  const parse = (storedSecret: unknown): z.output<Secret> => {
    const secret = definition.secret.safeParse(storedSecret);
    if (secret.success) return secret.data;
    // Field names only: a message about a secret's value could quote it.
    const fields = [...new Set(secret.error.issues.map((issue) => issue.path.join('.') || '(whole)'))].join(', ');
    throw new NonRetryableError(`the stored ${definition.type} secret does not fit its type (${fields})`);
  };
  const operations: Record<string, CapabilityOperation> = {};
  for (const [name, operation] of Object.entries(spec.operations ?? {}) as [string, CapabilityOperation][]) {
    operations[name] = (storedSecret, request, use) => operation(parse(storedSecret), request, use);
  }
  return {
    type: definition.type,
    secrets: (storedSecret) => {
      const secret = definition.secret.safeParse(storedSecret);
      return secret.success ? secretValues(definition, secret.data as Record<string, unknown>) : [];
    },
    operations,
    ...(renewTokens
      ? {
          renewTokens: (storedSecret, current, fetch, signal) =>
            renewTokens(parse(storedSecret), current, fetch, signal),
        }
      : {}),
    ...(testConnection
      ? { testConnection: (storedSecret, signal) => testConnection(parse(storedSecret), signal) }
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
