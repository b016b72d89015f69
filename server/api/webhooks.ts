import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { Graph } from '../core/graph/model.ts';
import type { VerifiedSignature } from '../credentials/define-capability.ts';
import type { RunService } from '../runs/service.ts';
import { type ExecutionRow, TERMINAL_STATUSES } from '../store/executions.ts';
import { IDEMPOTENCY_WINDOW_MS } from '../store/webhooks.ts';
import { ApiError, errorResponse } from './errors.ts';
import type { RunEvent } from './execution-schemas.ts';
import { RateLimiter } from './rate-limit.ts';
import type { ApiDeps } from './route.ts';
import { parseBody, payloadHeaders, type WebhookConfig, webhookTrigger, webhookVerifier } from './webhook-request.ts';

/**
 * `/hooks/<workflow id>/<path>`: an HTTP request starts a run of the workflow's published version
 * when that version starts with a webhook trigger for this path and method and the workflow is
 * active. The run's payload is the request's method, path, headers, query and body (JSON, form or
 * text). Answers at once with the execution id (202), or waits for the run and answers with its
 * last step's output, as the trigger is configured.
 */
export function mountWebhooks(app: Hono, deps: ApiDeps): void {
  const triggers = new Map<string, WebhookConfig | null>(); // by version id: versions never change
  const limiter = new RateLimiter(deps.config.webhookRateLimit);
  const { repos } = deps;

  const triggerOf = async (versionId: string): Promise<WebhookConfig | undefined> => {
    let trigger = triggers.get(versionId);
    if (trigger === undefined) {
      const graph = Graph.safeParse(await repos.workflows.versionGraph(versionId));
      const node = graph.success
        ? graph.data.nodes.find((candidate) => candidate.type === webhookTrigger.type)
        : undefined;
      const parsed = node ? webhookTrigger.config.safeParse(node.config) : undefined;
      trigger = parsed?.success ? parsed.data : null;
      triggers.set(versionId, trigger);
    }
    return trigger ?? undefined;
  };

  const refuse = (
    c: Context,
    status: 400 | 401 | 404 | 405 | 409 | 413 | 429 | 500 | 503,
    code: string,
    message: string,
  ) => errorResponse(c, new ApiError(status, code, message));

  const tooMany = (c: Context, retryAfterMs: number) => {
    c.header('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
    return refuse(c, 429, 'rate_limited', 'too many requests for this webhook; slow down');
  };

  app.all(
    '/hooks/:workflowId/*',
    bodyLimit({
      maxSize: deps.config.webhookBodyLimit,
      onError: (c) => refuse(c, 413, 'payload_too_large', `body is larger than ${deps.config.webhookBodyLimit} bytes`),
    }),
    async (c) => {
      if (!deps.runs) return refuse(c, 503, 'engine_unavailable', 'the run engine is not available');
      const workflowId = c.req.param('workflowId');
      const path = decodeURIComponent(c.req.path.slice(`/hooks/${workflowId}/`.length));
      const target = z.uuid().safeParse(workflowId).success ? await repos.webhooks.target(workflowId) : undefined;
      const trigger =
        target?.versionId && target.active && !target.archived ? await triggerOf(target.versionId) : undefined;
      if (!target?.versionId || !trigger || trigger.path !== path) {
        return refuse(c, 404, 'not_found', 'no active webhook at this address');
      }
      if (c.req.method !== trigger.method) {
        c.header('Allow', trigger.method);
        return refuse(c, 405, 'method_not_allowed', `this webhook accepts ${trigger.method}`);
      }
      const raw = await c.req.text();
      // The signature is verified before the rate limiter counts the request, and a request that
      // fails it takes from a bucket of its own: a flood of forged or unsigned requests cannot
      // spend the limit of the sender who holds the secret.
      let signature: VerifiedSignature | undefined;
      if (trigger.secretCredentialId) {
        const verify = await webhookVerifier(repos, deps.masterKey, trigger.secretCredentialId);
        // A missing or wrong credential refuses every request: an unverifiable webhook accepts nothing.
        const verified = verify
          ? verify({ rawBody: raw, header: (name) => c.req.header(name) })
          : { problem: 'the webhook secret is not configured' };
        if ('problem' in verified) {
          const rate = limiter.take(`${workflowId}:unverified`);
          if (!rate.allowed) return tooMany(c, rate.retryAfterMs);
          return refuse(c, 401, 'invalid_signature', verified.problem);
        }
        signature = verified;
      }
      const rate = limiter.take(workflowId);
      if (!rate.allowed) return tooMany(c, rate.retryAfterMs);
      let body: unknown;
      try {
        body = parseBody(raw, c.req.header('content-type') ?? '');
      } catch (error) {
        return refuse(c, 400, 'invalid_body', (error as Error).message);
      }
      const payload = { method: c.req.method, path, headers: payloadHeaders(c), query: c.req.query(), body };

      const key = c.req.header('idempotency-key')?.slice(0, 200);
      const earlierWithKey = async () =>
        key ? await repos.webhooks.earlierDelivery(workflowId, key, IDEMPOTENCY_WINDOW_MS) : undefined;
      const earlier = await earlierWithKey();
      // A sender's retry of a delivery it was not sure of keeps its answer, signed or not.
      if (earlier) return c.json({ executionId: earlier, duplicate: true }, 200);
      // Each signed request is taken once: a copy sent again within its window is a replay.
      if (
        signature &&
        !(await repos.webhooks.rememberSignature(
          workflowId,
          signature.digest,
          new Date(signature.validUntilMs).toISOString(),
        ))
      ) {
        // The same request with its key may have started its run a moment ago: the duplicate answer.
        const started = await earlierWithKey();
        if (started) return c.json({ executionId: started, duplicate: true }, 200);
        return refuse(c, 409, 'replayed_request', 'this signed request was received already; sign each request anew');
      }
      const recordDelivery = key ? repos.webhooks.deliveryRecord(workflowId, key, IDEMPOTENCY_WINDOW_MS) : undefined;
      let recorded: string | undefined;
      let execution: ExecutionRow;
      try {
        execution = await deps.runs.start({
          workflowId,
          versionId: target.versionId,
          trigger: 'webhook',
          payload,
          // The key is recorded with the execution, in its transaction: never one without the other.
          ...(recordDelivery
            ? {
                alongside: (run: ExecutionRow) => {
                  if (!recordDelivery(run.id)) {
                    throw new DuplicateDelivery();
                  }
                  recorded = run.id;
                },
              }
            : {}),
        });
      } catch (error) {
        if (!(error instanceof DuplicateDelivery) || !key) {
          // The run did not start (not stored, or stored and failed as it could not be queued): the
          // key is forgotten, so the sender's retry starts it instead of hearing for a day that it was handled.
          if (key && recorded) await repos.webhooks.forgetDelivery(workflowId, key, recorded);
          if (signature) await repos.webhooks.forgetSignature(workflowId, signature.digest);
          deps.log.error({ err: error, workflowId }, 'webhook run failed to start');
          return refuse(c, 503, 'run_not_started', 'the run could not be started; try again');
        }
        // A delivery with the same key was stored a moment earlier: answer with its run.
        const first = await earlierWithKey();
        if (first) return c.json({ executionId: first, duplicate: true }, 200);
        return refuse(c, 409, 'duplicate_delivery', 'a delivery with this idempotency key was received already');
      }
      if (trigger.respond === 'immediately') return c.json({ executionId: execution.id }, 202);

      const ended = await waitForEnd(deps.runs, execution.id, trigger.timeoutMs, () =>
        repos.executions.status(execution.id),
      );
      if (ended === 'succeeded') return c.json((await repos.webhooks.lastStepOutput(execution.id)) as object, 200);
      if (ended === undefined) return c.json({ executionId: execution.id, finished: false }, 202);
      return errorResponse(
        c,
        new ApiError(500, 'run_failed', `the run ended ${ended}`, { executionId: execution.id, status: ended }),
      );
    },
  );
}

/** Another delivery with the same idempotency key was recorded first: this one's execution is undone. */
class DuplicateDelivery extends Error {
  override name = 'DuplicateDelivery';
}

/** Resolves with the run's end status, or undefined when `timeoutMs` passes first. */
function waitForEnd(
  runs: RunService,
  executionId: string,
  timeoutMs: number,
  status: () => Promise<string | undefined>,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (result: string | undefined, error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (error === undefined) resolve(result);
      else reject(error);
    };
    const unsubscribe = runs.subscribe(executionId, (event: RunEvent) => {
      if (event.type === 'run' && TERMINAL_STATUSES.includes(event.status)) finish(event.status);
    });
    timer = setTimeout(() => finish(undefined), timeoutMs);
    // The run may have ended before the subscription: the store knows.
    status().then(
      (now) => {
        if (now && TERMINAL_STATUSES.includes(now as never)) finish(now);
      },
      (error: unknown) => finish(undefined, error),
    );
  });
}
