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
// biome-ignore lint/suspicious/noEmptyInterface: filled by the protocol types, one entry per operation.
export interface CredentialOperations {}

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
