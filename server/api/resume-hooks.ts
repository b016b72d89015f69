import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { readResumeToken, resumeKey } from '../security/resume-tokens.ts';
import { ApiError, errorResponse } from './errors.ts';
import { RateLimiter } from './rate-limit.ts';
import type { ApiDeps } from './route.ts';
import { checkPayloadSize, payloadBody } from './webhook-request.ts';

/**
 * `POST /hooks/resume/<token>`: the resume URL of a `flow.wait` step waiting for a callback
 * (`{{ execution.resumeUrl }}`, server/security/resume-tokens.ts). The posted body, read as a
 * webhook's is (JSON, a form, multipart fields and files, or text; capped the same way), becomes the
 * step's output and the run goes on. The API runs no
 * user code here: resuming is a guarded store transition plus the queueing of what follows.
 *
 * 200 resumed; 404 no such URL (a token that does not verify); 409 the step does not wait yet
 * (send again later); 410 used already, expired, or its run has ended; 413, 429 as webhooks.
 */
export function mountResumeHooks(app: Hono, deps: ApiDeps): void {
  const key = resumeKey(deps.masterKey);
  const limiter = new RateLimiter(deps.config.webhookRateLimit);
  const refuse = (c: Context, status: 400 | 404 | 409 | 410 | 413 | 429 | 503, code: string, message: string) =>
    errorResponse(c, new ApiError(status, code, message));

  app.post(
    '/hooks/resume/:token',
    bodyLimit({
      maxSize: deps.config.webhookBodyLimit,
      onError: (c) => refuse(c, 413, 'payload_too_large', `body is larger than ${deps.config.webhookBodyLimit} bytes`),
    }),
    async (c) => {
      const step = readResumeToken(key, c.req.param('token'));
      const rate = limiter.take(step ? `resume:${step.executionId}` : 'resume:unknown');
      if (!rate.allowed) {
        c.header('Retry-After', String(Math.ceil(rate.retryAfterMs / 1000)));
        return refuse(c, 429, 'rate_limited', 'too many requests for this resume URL; slow down');
      }
      if (!step) return refuse(c, 404, 'not_found', 'no such resume URL');
      if (!deps.runs) return refuse(c, 503, 'engine_unavailable', 'the run engine is not available');
      let body: unknown;
      try {
        body = await payloadBody(new Uint8Array(await c.req.arrayBuffer()), c.req.header('content-type') ?? '');
        // It becomes the step's output, which has a hard cap.
        checkPayloadSize(body);
      } catch (error) {
        if (error instanceof ApiError) return errorResponse(c, error);
        return refuse(c, 400, 'invalid_body', (error as Error).message);
      }
      let expired = false;
      let notCallback = false;
      const resumed = await deps.runs.resume(step, {
        port: 'main',
        accepts: (waiting) => {
          if (waiting.wait.kind !== 'callback') {
            notCallback = true;
            return false;
          }
          // Past its expiry the URL is dead, even if the timeout's timer has not fired yet.
          expired = Date.parse(String(waiting.wait.expiresAt)) <= Date.now();
          return !expired;
        },
        output: () => body ?? {},
      });
      if (resumed === 'resumed') return c.json({ resumed: true, executionId: step.executionId }, 200);
      if (resumed === 'ended') return refuse(c, 410, 'run_ended', 'the run this URL resumes has ended');
      if (expired) return refuse(c, 410, 'resume_url_expired', 'this resume URL has expired');
      if (notCallback) return refuse(c, 404, 'not_found', 'no such resume URL');
      const latest = (await deps.repos.executions.steps(step.executionId))
        .filter((row) => row.nodeId === step.nodeId && row.scope === step.scope)
        .at(-1);
      if (latest && latest.status !== 'running') {
        return refuse(c, 410, 'resume_url_used', 'this resume URL was used already: it works once');
      }
      return refuse(c, 409, 'not_waiting_yet', 'the step this URL resumes is not waiting yet; send it again shortly');
    },
  );
}
