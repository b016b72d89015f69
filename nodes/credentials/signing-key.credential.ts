import { z } from 'zod';
import { defineCredential } from './define.ts';

/**
 * A protocol type: a key the Crypto node signs with (HMAC), never sent anywhere. Its own type, not
 * the webhook trigger's `hmac`: a workflow that could sign with a webhook's secret could forge the
 * requests that webhook accepts. The signing is its capability on the server
 * (server/credentials/signing-key.capability.ts).
 */
export default defineCredential({
  type: 'signing-key',
  title: 'Signing key (HMAC)',
  description: 'A secret key the Crypto node signs data with (HMAC), e.g. for a partner’s API or outgoing webhooks.',
  secret: z.strictObject({
    secret: z
      .string()
      .min(16, 'use at least 16 characters')
      .max(4096)
      .meta({ title: 'Key', description: 'The shared secret, as the other side has it (at least 16 characters)' }),
  }),
  secretFields: ['secret'],
});
