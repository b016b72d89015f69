import type { CredentialCall } from '../../nodes/credentials/operations.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { capabilityOf } from '../credentials/capabilities.ts';
import type { CredentialCapability, OperationRecord } from '../credentials/define-capability.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { CredentialRepository } from '../store/repositories.ts';
import { maskError, openCredential, refuseUnlessRunMayUse, secretMasker } from './authenticated-http.ts';

/** The step an operation is done for: whose user may use the credential, where it records what was done. */
export interface OperatingStep {
  readonly executionId: string;
  readonly record?: (done: OperationRecord) => void;
}

/** How a step's `ctx.useCredential` calls reach the credential's capability, in the worker. */
export type CredentialOperator = (call: CredentialCall, signal: AbortSignal, step?: OperatingStep) => Promise<unknown>;

/** Every string inside a JSON value with `hide` applied (answers and records are JSON, not text). */
export function maskDeep(value: unknown, hide: (text: string) => string): unknown {
  if (typeof value === 'string') return hide(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, hide));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, hide)]));
  }
  return value;
}

/**
 * The worker's side of `ctx.useCredential`: opens the stored credential (decrypting it here, never
 * in the node), checks the run's user may use it as HTTP credentials are checked, runs the
 * operation of its type's capability (server/credentials/), and masks every form of the secret
 * out of the answer, the record the step keeps and any error, as authenticated HTTP does.
 */
export function credentialOperations(
  credentials: Pick<CredentialRepository, 'secret' | 'runUser'>,
  key: MasterKey,
  // The capabilities; a test (or a guide's example type) passes its own.
  findCapability: (type: string) => CredentialCapability | undefined = capabilityOf,
): CredentialOperator {
  return async (call, signal, step) => {
    const credential = await openCredential(credentials, key, call.credentialId);
    const capability = findCapability(credential.type);
    const operation = capability?.operations[call.operation];
    if (!capability || !operation) {
      throw new NonRetryableError(
        `credential "${credential.name}" is a ${credential.type} credential, which cannot do "${call.operation}"`,
      );
    }
    await refuseUnlessRunMayUse(credentials, credential, step?.executionId);
    const hide = secretMasker(capability.secrets(credential.secret));
    try {
      const answer = await operation(credential.secret, call.request, {
        signal,
        record: (done) => step?.record?.(maskDeep(done, hide) as OperationRecord),
      });
      return maskDeep(answer, hide);
    } catch (error) {
      throw maskError(error, hide);
    }
  };
}
