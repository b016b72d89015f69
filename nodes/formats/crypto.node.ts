import { z } from 'zod';
import { credentialRef } from '../credential.ts';
import { defineNode, HASH_ALGORITHMS } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { fieldPath, isPlainObject, setAtPath } from '../paths.ts';
import { template } from '../template.ts';

const OPERATIONS = ['hash', 'hmac', 'uuid'] as const;
type Operation = (typeof OPERATIONS)[number];

/** A field the settings form shows only for these operations (the form reads `showWhen`). */
const only = (...operations: Operation[]) => ({ showWhen: { operation: operations } });

/** Where the result goes when the config names no field. */
const DEFAULT_FIELD: Record<Operation, string> = { hash: 'hash', hmac: 'signature', uuid: 'uuid' };

/** The text that is hashed or signed: a text as it is, anything else as its JSON (as an HTTP body sends it). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) throw new NonRetryableError('config.value: the expression gave no value to hash or sign');
  return JSON.stringify(value);
}

export default defineNode({
  type: 'transform.crypto',
  kind: 'transform',
  title: 'Crypto',
  description:
    'Hashes a value (MD5, SHA-1, SHA-256, SHA-512), signs it with a stored key (HMAC), or makes a random UUID.',
  icon: 'fingerprint',
  docs: [
    'Hash: the digest of the value, e.g. `{{ input.email.toLowerCase() }}`, in hex or base64. A text is hashed as its UTF-8 bytes; any other value as its JSON (`{"id":7}`), as an HTTP request sends it. SHA-256 of `hello` is `2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824`. MD5 and SHA-1 are there for systems that still ask for them (checksums, legacy ids), not for security.',
    'HMAC: a signature of the value with a key stored as a "Signing key (HMAC)" credential, for a partner’s API or an outgoing webhook that the receiver verifies. The key never reaches the workflow: the worker signs, and the step records the algorithm, not the key. Webhook secrets (`hmac` credentials) cannot be picked: a workflow must not be able to forge requests its own webhooks accept.',
    'UUID: a random version 4 UUID, e.g. for an id the next steps share. A retried step makes a new one.',
    'The result is written into a copy of the input at the field you name (by default `hash`, `signature` or `uuid`).',
  ].join('\n\n'),
  config: z
    .strictObject({
      operation: z.enum(OPERATIONS).default('hash').describe('Hash a value, sign it with a key, or make a UUID'),
      value: template('The value to hash or sign, e.g. {{ input.body }}').optional().meta(only('hash', 'hmac')),
      algorithm: z
        .enum(HASH_ALGORITHMS)
        .default('sha256')
        .describe('The hash function (HMAC: SHA-1, SHA-256 or SHA-512)')
        .meta(only('hash', 'hmac')),
      encoding: z
        .enum(['hex', 'base64'])
        .default('hex')
        .describe('How the digest is written')
        .meta(only('hash', 'hmac')),
      credentialId: credentialRef(['signing-key'], 'The signing key to sign with').optional().meta(only('hmac')),
      field: fieldPath.optional().describe('Where the result goes in the output (empty: hash, signature or uuid)'),
    })
    .superRefine((config, ctx) => {
      if (config.operation !== 'uuid' && config.value === undefined) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${config.operation} needs the value` });
      }
      if (config.operation === 'hmac') {
        if (config.credentialId === undefined) {
          ctx.addIssue({ code: 'custom', path: ['credentialId'], message: 'an HMAC needs a signing key' });
        }
        if (config.algorithm === 'md5') {
          ctx.addIssue({
            code: 'custom',
            path: ['algorithm'],
            message: 'an HMAC signs with SHA-1, SHA-256 or SHA-512',
          });
        }
      }
    }),
  async execute({ config, input, ctx }) {
    let result: string;
    if (config.operation === 'uuid') {
      result = ctx.crypto.randomUUID();
    } else {
      const text = textOf(await ctx.evaluate(config.value ?? ''));
      if (config.operation === 'hash') {
        result = ctx.crypto.hash(config.algorithm, text, config.encoding);
      } else {
        // The config check has refused both already; this narrows the types.
        if (config.algorithm === 'md5' || config.credentialId === undefined) {
          throw new NonRetryableError('config.credentialId: an HMAC needs a signing key and SHA-1, SHA-256 or SHA-512');
        }
        const answer = await ctx.useCredential({
          credentialId: config.credentialId,
          operation: 'signing-key.hmac',
          request: { algorithm: config.algorithm, data: text, encoding: config.encoding },
        });
        result = answer.signature;
      }
    }
    const field = config.field ?? DEFAULT_FIELD[config.operation];
    return { output: setAtPath(isPlainObject(input) ? input : {}, field, result) };
  },
});
