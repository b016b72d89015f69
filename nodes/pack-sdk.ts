import { z } from 'zod';
import { credentialField } from './credential.ts';
import { defineCredential } from './credentials/define.ts';
import { basicAuth, bearerToken, header, headerName, headerText, queryParameter } from './credentials/http-auth.ts';
import { defineNode } from './define.ts';
import { NonRetryableError, RetryAfterError } from './errors.ts';
import { fieldPath, isPlainObject, setAtPath, valueAt } from './paths.ts';
import { template } from './template.ts';

/**
 * What a node pack builds its types with (nodes/packs.ts): handed to the pack's exported function
 * at load, so the pack uses Stepwise's own copies. That matters beyond convenience: configs must be
 * schemas of this `z` to become the JSON Schema the editor renders, and the engine tells a
 * `NonRetryableError` from other failures by its class. Raise `apiVersion` when something here
 * changes incompatibly, so a pack can refuse an SDK it was not written for.
 */
export const packSdk = {
  apiVersion: 1,
  z,
  defineNode,
  defineCredential,
  /** A config string that may hold `{{ }}` expressions (the form shows an expression editor). */
  template,
  /** A config field holding a stored credential's id, of one of `types` (e.g. the pack's own). */
  credentialRef: credentialField,
  /** A dot path into the output (`customer.email`), refusing `__proto__` and the like. */
  fieldPath,
  setAtPath,
  valueAt,
  isPlainObject,
  NonRetryableError,
  RetryAfterError,
  /** How an HTTP-style credential type authenticates a request (its `http(secret)` answer). */
  httpAuth: { bearerToken, basicAuth, header, queryParameter, headerName, headerText },
} as const;

export type PackSdk = typeof packSdk;
