import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sha256 } from '../auth/tokens.ts';
import { ApiError, errorResponse } from './errors.ts';
import { RateLimiter } from './rate-limit.ts';
import type { ApiDeps } from './route.ts';
import {
  checkPayloadSize,
  draftWebhookTrigger,
  payloadBody,
  payloadHeaders,
  type WebhookPayload,
  webhookVerifier,
} from './webhook-request.ts';

type Status = 400 | 401 | 404 | 405 | 410 | 413 | 429;

/**
 * `/hooks/test/<token>`: a draft's test URL ("Listen for a test request", routes/webhook-tests.ts).
 * It takes one request while open and checks it as the live webhook would, against the draft's
 * trigger as it reads now: the same body limit, rate limits, method and signature (the trigger's
 * HMAC credential), and the same payload shape. The request becomes the draft's test data; no run
 * starts. Refusals answer the sender with the reason and are noted for the editor to show.
 */
export function mountWebhookTests(app: Hono, deps: ApiDeps): void {
  // Its own buckets with the live webhook's rate: testing never spends a live sender's limit.
  const limiter = new RateLimiter(deps.config.webhookRateLimit);
  const { repos } = deps;

  app.all(
    '/hooks/test/:token',
    bodyLimit({
      maxSize: deps.config.webhookBodyLimit,
      onError: (c) =>
        errorResponse(
          c,
          new ApiError(413, 'payload_too_large', `body is larger than ${deps.config.webhookBodyLimit} bytes`),
        ),
    }),
    async (c) => {
      const tokenHash = sha256(c.req.param('token'));
      const test = await repos.webhookTests.byToken(tokenHash);
      if (!test) {
        return refuse(c, 404, 'not_found', 'no test URL here; use "Listen for a test request" in the editor for one');
      }
      if (test.capturedAt) {
        return refuse(c, 410, 'test_url_used', 'this test URL took its one request already; listen again for another');
      }
      if (Date.parse(test.expiresAt) <= Date.now()) {
        return refuse(c, 410, 'test_url_expired', `this test URL expired at ${test.expiresAt}; listen again`);
      }
      /** A refusal the editor shows too, while it waits. */
      const refuseNoted = async (status: Status, code: string, message: string) => {
        await repos.webhookTests.refuse(tokenHash, { at: new Date().toISOString(), status, message });
        return refuse(c, status, code, message);
      };
      const workflow = await repos.workflows.get(test.workflowId);
      const trigger = workflow && draftWebhookTrigger(workflow.draft, test.nodeId);
      if (!trigger)
        return refuseNoted(404, 'not_found', 'the draft no longer has the webhook trigger this URL was for');
      if (c.req.method !== trigger.method) {
        c.header('Allow', trigger.method);
        return refuseNoted(405, 'method_not_allowed', `this webhook accepts ${trigger.method}, not ${c.req.method}`);
      }
      const raw = new Uint8Array(await c.req.arrayBuffer());
      // As the live webhook: verified before the rate limit counts it, failures in a bucket of their own.
      if (trigger.secretCredentialId) {
        const verify = await webhookVerifier(repos, deps.masterKey, trigger.secretCredentialId);
        const verified = verify
          ? verify({ rawBody: raw, header: (name) => c.req.header(name) })
          : { problem: 'the webhook secret is not configured' };
        if ('problem' in verified) {
          const rate = limiter.take(`${test.workflowId}:unverified`);
          if (!rate.allowed) return tooMany(c, rate.retryAfterMs);
          return refuseNoted(401, 'invalid_signature', verified.problem);
        }
      }
      const rate = limiter.take(test.workflowId);
      if (!rate.allowed) return tooMany(c, rate.retryAfterMs);
      let payload: WebhookPayload;
      try {
        const body = await payloadBody(raw, c.req.header('content-type') ?? '');
        payload = { method: c.req.method, path: trigger.path, headers: payloadHeaders(c), query: c.req.query(), body };
        checkPayloadSize(payload);
      } catch (error) {
        // payloadBody and checkPayloadSize refuse with 400 or 413 only.
        if (error instanceof ApiError) return refuseNoted(error.status as Status, error.code, error.message);
        throw error;
      }
      if (!(await repos.webhookTests.capture(tokenHash, payload))) {
        // Another request took it a moment ago, or it expired meanwhile.
        return refuse(c, 410, 'test_url_used', 'this test URL is closed; listen again for another request');
      }
      return c.json(
        {
          received: true,
          message: 'Test request received: it is now the test data of the workflow’s draft. No run was started.',
        },
        200,
      );
    },
  );
}

const refuse = (c: Context, status: Status, code: string, message: string) =>
  errorResponse(c, new ApiError(status, code, message));

const tooMany = (c: Context, retryAfterMs: number) => {
  c.header('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
  return refuse(c, 429, 'rate_limited', 'too many requests for this webhook; slow down');
};
