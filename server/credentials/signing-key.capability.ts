import { createHmac } from 'node:crypto';
import { z } from 'zod';
import signingKey from '../../nodes/credentials/signing-key.credential.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { defineCapability } from './define-capability.ts';

/*
 * The signing-key type's protocol: the Crypto node's HMAC, computed here in the worker so the key
 * never reaches the node. Only this type signs for nodes: the webhook trigger's `hmac` secrets have
 * no operation, so no workflow can forge a request its own webhooks would accept.
 */

/** What a node may ask, parsed before use: it comes from a node's config (and from older code). */
const HmacRequest = z.strictObject({
  algorithm: z.enum(['sha1', 'sha256', 'sha512']),
  data: z.string(),
  encoding: z.enum(['hex', 'base64']),
});

export default defineCapability(signingKey, {
  operations: {
    'signing-key.hmac': async (secret, request, use) => {
      const parsed = HmacRequest.safeParse(request);
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(whole)'))].join(', ');
        throw new NonRetryableError(`a signing-key.hmac request needs algorithm, data and encoding (${fields})`);
      }
      const { algorithm, data, encoding } = parsed.data;
      use.record({
        operation: 'signing-key.hmac',
        title: `HMAC-${algorithm.toUpperCase()} of ${Buffer.byteLength(data, 'utf8')} bytes`,
        details: { algorithm, encoding },
      });
      return { signature: createHmac(algorithm, secret.secret).update(data, 'utf8').digest(encoding) };
    },
  },
});
