/*
 * Protocol work a node asks the worker to do with a stored credential (send an email over SMTP,
 * run a SQL query, sign with a key): the node names the credential and the operation, the worker
 * opens the secret, does the work in the credential type's capability file
 * (server/credentials/<type>.capability.ts) and answers. The node never sees the secret.
 *
 * Types only, so nodes/ stays free of protocol code. Each protocol type adds its operations to
 * `CredentialOperations` (here, or by declaration merging from a node pack), named
 * `<credential type>.<verb>`.
 */

/** Every operation by name: the request a node sends and the answer it gets back (JSON both ways). */
export interface CredentialOperations {
  /** Sends one email through an `smtp` credential's server (server/credentials/smtp.capability.ts). */
  'smtp.send': { request: SmtpMessage; response: SmtpSent };
  /**
   * One SQL statement on a `postgres` credential's database (server/credentials/postgres.capability.ts).
   * `parameters` are bound to `$1`, `$2`… by the server, never written into the query text.
   */
  'postgres.query': {
    request: { query: string; parameters: unknown[]; maxRows: number; timeoutMs: number };
    response: PostgresQueryResult;
  };
  /** An HMAC of `data` (its UTF-8 bytes) with a signing-key credential (server/credentials/signing-key.capability.ts). */
  'signing-key.hmac': {
    request: { algorithm: 'sha1' | 'sha256' | 'sha512'; data: string; encoding: 'hex' | 'base64' };
    response: { signature: string };
  };
}

/** A file sent with an email: its bytes in base64 (as a multipart webhook's `files` carry them). */
export interface SmtpAttachment {
  readonly name: string;
  /** A MIME type (`application/pdf`); default: guessed from the name. */
  readonly type?: string;
  readonly content: string;
}

/** One email. Addresses are `bob@example.com` or `Bob <bob@example.com>`. */
export interface SmtpMessage {
  /** Default: the credential's default sender. */
  readonly from?: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly bcc?: readonly string[];
  readonly replyTo?: string;
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly SmtpAttachment[];
  /**
   * Stable across attempts (a step's `ctx.idempotencyKey`): the Message-ID is derived from it, so a
   * retried send carries the same Message-ID and receivers can tell it is the same message.
   */
  readonly idempotencyKey?: string;
}

/** What the server took: the message's Message-ID and which recipients it accepted or refused. */
export interface SmtpSent {
  readonly messageId: string;
  readonly accepted: string[];
  readonly rejected: string[];
}

/** A `postgres.query` answer: the first `maxRows` rows, JSON only (server/credentials/postgres-values.ts says how types convert). */
export interface PostgresQueryResult {
  rows: Record<string, unknown>[];
  /** Rows the statement returned or changed (INSERT/UPDATE/DELETE count), all of them even when truncated. */
  rowCount: number;
  /** The result's columns, in order, with PostgreSQL's type ids (`pg_type.oid`). */
  fields: { name: string; dataTypeID: number }[];
  /** The statement's command tag: SELECT, INSERT, UPDATE… */
  command: string;
  /** More rows came back than `maxRows`; the rest were dropped. */
  truncated: boolean;
}

export type CredentialOperationName = keyof CredentialOperations & string;

type Entry<Name extends CredentialOperationName> = CredentialOperations[Name] extends {
  request: infer Request;
  response: infer Response;
}
  ? { request: Request; response: Response }
  : never;

export type OperationRequest<Name extends CredentialOperationName> = Entry<Name>['request'];
export type OperationResponse<Name extends CredentialOperationName> = Entry<Name>['response'];

/** What a node hands to `ctx.useCredential`. */
export interface CredentialCall<Name extends CredentialOperationName = CredentialOperationName> {
  /** A stored credential whose type has this operation (checked by the worker). */
  readonly credentialId: string;
  readonly operation: Name;
  readonly request: OperationRequest<Name>;
}
