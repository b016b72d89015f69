import { z } from 'zod';
import { defineCredential } from './define.ts';

/**
 * A protocol type: never sent anywhere, it checks the signatures of incoming webhook requests. How
 * it does is its capability on the server (server/credentials/hmac.capability.ts).
 */
export default defineCredential({
  type: 'hmac',
  title: 'Webhook signing secret (HMAC)',
  description: 'A secret shared with a webhook’s sender, who signs each request with HMAC-SHA256.',
  secret: z.strictObject({
    secret: z.string().min(16, 'use at least 16 characters').max(4096).meta({ title: 'Secret' }),
  }),
  secretFields: ['secret'],
});
