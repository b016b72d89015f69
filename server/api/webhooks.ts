import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { RESPOND_NODE_TYPE } from '../../nodes/actions/respond.node.ts';
import { Graph } from '../core/graph/model.ts';
import type { VerifiedSignature } from '../credentials/define-capability.ts';
import type { ExecutionRow } from '../store/executions.ts';
import { IDEMPOTENCY_WINDOW_MS } from '../store/webhooks.ts';
import { ApiError, errorResponse } from './errors.ts';
import { RateLimiter } from './rate-limit.ts';
import type { ApiDeps } from './route.ts';
import { endedAnswer, respondAnswer, runResult, waitForAnswer, waitForEnd } from './webhook-answer.ts';
import {
  checkPayloadSize,
  payloadBody,
  payloadHeaders,
  type WebhookConfig,
  type WebhookPayload,
  webhookTrigger,
  webhookVerifier,
} from './webhook-request.ts';

/**
 * `/hooks/<workflow id>/<path>`: an HTTP request starts a run of the workflow's published version
 * when that version starts with a webhook trigger for this path and method and the workflow is
 * active. The run's payload is the request's method, path, headers, query and body (JSON, a form,
 * a multipart form with files, or text). Answers at once with the execution id (202), or waits for the run and answers with its
 * result (webhook-answer.ts), or with its first Respond to webhook step's answer, as the trigger is
 * configured.
 */
export function mountWebhooks(app: Hono, deps: ApiDeps): void {
  const triggers = new Map<string, LiveWebhook | null>(); // by version id: versions never change
  const limiter = new RateLimiter(deps.config.webhookRateLimit);
  const { repos } = deps;

  const webhookOf = async (versionId: string): Promise<LiveWebhook | undefined> => {
    let webhook = triggers.get(versionId);
    if (webhook === undefined) {
      const graph = Graph.safeParse(await repos.workflows.versionGraph(versionId));
      const node = graph.success
        ? graph.data.nodes.find((candidate) => candidate.type === webhookTrigger.type)
        : undefined;
      const parsed = node ? webhookTrigger.config.safeParse(node.config) : undefined;
      webhook =
        graph.success && parsed?.success
          ? {
              trigger: parsed.data,
              // Kept only where an answer needs it (the run's result), not for every live version.
              graph: parsed.data.respond === 'lastNode' ? graph.data : NO_GRAPH,
              responders: new Set(
                graph.data.nodes.filter((candidate) => candidate.type === RESPOND_NODE_TYPE).map((found) => found.id),
              ),
            }
          : null;
      triggers.set(versionId, webhook);
    }
    return webhook ?? undefined;
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
      const webhook =
        target?.versionId && target.active && !target.archived ? await webhookOf(target.versionId) : undefined;
      const trigger = webhook?.trigger;
      if (!target?.versionId || !webhook || !trigger || trigger.path !== path) {
        return refuse(c, 404, 'not_found', 'no active webhook at this address');
      }
      if (c.req.method !== trigger.method) {
        c.header('Allow', trigger.method);
        return refuse(c, 405, 'method_not_allowed', `this webhook accepts ${trigger.method}`);
      }
      // Bytes, not text: a signature is over the bytes as sent, and an uploaded file must stay byte-exact.
      const raw = new Uint8Array(await c.req.arrayBuffer());
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
      let payload: WebhookPayload;
      try {
        const body = await payloadBody(raw, c.req.header('content-type') ?? '');
        payload = { method: c.req.method, path, headers: payloadHeaders(c), query: c.req.query(), body };
        checkPayloadSize(payload);
      } catch (error) {
        if (error instanceof ApiError) return errorResponse(c, error);
        throw error;
      }

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
      const notYet = () => c.json({ executionId: execution.id, finished: false }, 202);
      const ended = async (status: ExecutionRow['status']) => {
        const answer = await endedAnswer(repos, execution.id, status);
        return answer instanceof ApiError ? errorResponse(c, answer) : c.json(answer.body, answer.status);
      };

      if (trigger.respond === 'lastNode') {
        const status = await waitForEnd(deps.runs, repos, execution.id, trigger.timeoutMs);
        if (status === undefined) return notYet();
        if (status !== 'succeeded') return ended(status);
        return c.json((await runResult(repos, webhook.graph, execution.id)) as object, 200);
      }

      // "respondNode": the first Respond to webhook step's answer, as soon as it is stored.
      const waited = await waitForAnswer(deps.runs, repos, execution.id, trigger.timeoutMs, webhook.responders);
      if (waited.kind === 'timeout') return notYet();
      if (waited.kind === 'ended') return ended(waited.status);
      const answer = respondAnswer(waited.output);
      return answer instanceof ApiError ? errorResponse(c, answer) : answer;
    },
  );
}

const NO_GRAPH: Graph = { nodes: [], edges: [] };

/** A live webhook's version: its trigger's config, its graph (when it answers with the result), its Respond to webhook nodes' ids. */
interface LiveWebhook {
  readonly trigger: WebhookConfig;
  readonly graph: Graph;
  readonly responders: ReadonlySet<string>;
}

/** Another delivery with the same idempotency key was recorded first: this one's execution is undone. */
class DuplicateDelivery extends Error {
  override name = 'DuplicateDelivery';
}
