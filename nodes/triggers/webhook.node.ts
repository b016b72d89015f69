import { z } from 'zod';
import { credentialRef } from '../credential.ts';
import { defineNode } from '../define.ts';

export default defineNode({
  type: 'trigger.webhook',
  kind: 'trigger',
  title: 'Webhook',
  description: 'Starts a run when an HTTP request arrives at /hooks/<workflow id>/<path>.',
  icon: 'webhook',
  affordances: ['webhook-url'],
  docs: [
    "Starts a run when an HTTP request with the method you pick arrives at its webhook URL, `/hooks/<workflow id>/<path>` on this server. The run's payload is `{ method, path, headers, query, body }`; JSON and form bodies are parsed, other text arrives as a string.",
    'A file upload (`multipart/form-data`, as an HTML form or `curl -F file=@invoice.pdf` sends it) arrives as `body = { fields, files }`: `fields` holds the text fields (a name sent more than once gives a list), `files` each file as `{ field, name, type, size, content }`, `content` being its bytes in base64, exactly as sent. Later steps read them as `{{ trigger.body.files[0].name }}`, and the attachments of an Email step can be `{{ trigger.body.files }}` as they are. `name` is the file name without folders; `type` is the content type the sender declared, unchecked. At most 20 files and 1,000 fields; the whole request counts against the webhook body limit (1 MiB unless `WEBHOOK_BODY_LIMIT` says otherwise).',
    'Name an HMAC credential to accept only signed requests: the sender puts `X-Stepwise-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` on each one. The versions page shows ready-made examples.',
    '"Immediately" answers 202 with the execution id. "Last node" waits (up to the timeout) for the run to end and answers with its result: the output of its last step in graph order. "Respond node" waits (up to the timeout) for the run\'s first Respond to webhook step and answers with exactly its status, headers and body, while the run goes on; a run that ends without one answers 200 `{ executionId, status }` when it succeeded, 500 with its error when it failed.',
  ].join('\n\n'),
  config: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    path: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]*(\/[A-Za-z0-9._~-]+)*$/, 'must be a URL path such as orders/new')
      .describe('Path after /hooks/<workflow id>/'),
    secretCredentialId: credentialRef(
      ['hmac'],
      'Credential holding the HMAC-SHA256 secret; requests without a valid signature are refused',
    ).optional(),
    respond: z
      .enum(['immediately', 'lastNode', 'respondNode'])
      .default('immediately')
      .describe(
        'When and how to answer: "immediately" with the execution id, at the run\'s end with its result ("last node"), or from the run\'s first Respond to webhook step ("respond node")',
      ),
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(120_000)
      .default(30_000)
      .describe('How long "last node" and "respond node" wait before answering 202 with the execution id'),
  }),
  // The webhook route hands over `{ method, headers, query, body }`; the trigger passes it on.
  async execute({ input }) {
    return { output: input };
  },
});
