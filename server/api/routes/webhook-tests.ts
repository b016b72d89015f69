import { z } from 'zod';
import { randomToken, sha256 } from '../../auth/tokens.ts';
import type { WebhookTestRow } from '../../store/webhook-tests.ts';
import { ApiError } from '../errors.ts';
import { loadWorkflow } from '../load.ts';
import { publicUrlOf } from '../public-url.ts';
import { defineRoute } from '../route.ts';
import { WorkflowId } from '../schemas.ts';
import { draftWebhookTrigger } from '../webhook-request.ts';

/** How long a test URL waits for its one request: long enough to trigger a sender by hand. */
export const WEBHOOK_TEST_MINUTES = 5;

/** Where a test URL answers: `/hooks/test/<token>` (webhook-test-endpoint.ts). */
export const webhookTestPath = (token: string) => `/hooks/test/${token}`;

export const WebhookTestShape = z
  .object({
    status: z
      .enum(['none', 'listening', 'captured', 'expired'])
      .describe(
        'none: never armed; listening: waiting for its one request; captured: it arrived; expired: none came in time',
      ),
    url: z
      .string()
      .nullable()
      .describe('The test URL; only in the answer that armed it (the server keeps its hash only)'),
    nodeId: z.string().nullable().describe('The draft’s webhook trigger it listens for'),
    method: z.string().nullable().describe('The method the trigger accepts, as the draft reads now'),
    signed: z.boolean().describe('Requests must carry a valid signature of the trigger’s HMAC credential'),
    armedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    capturedAt: z.string().nullable(),
    payload: z
      .unknown()
      .describe('The captured request as the trigger hands it to a run: { method, path, headers, query, body }'),
    refusal: z
      .object({ at: z.string(), status: z.number().int(), message: z.string() })
      .nullable()
      .describe('The last request refused while listening, and why'),
  })
  .meta({ id: 'WebhookTest' });

type WebhookTest = z.output<typeof WebhookTestShape>;

function answer(
  row: WebhookTestRow | undefined,
  draft: unknown,
  url: string | null = null,
  now = new Date(),
): WebhookTest {
  const trigger = draftWebhookTrigger(draft, row?.nodeId);
  const status = !row
    ? 'none'
    : row.capturedAt
      ? 'captured'
      : Date.parse(row.expiresAt) <= now.getTime()
        ? 'expired'
        : 'listening';
  return {
    status,
    url,
    nodeId: row?.nodeId ?? trigger?.nodeId ?? null,
    method: trigger?.method ?? null,
    signed: trigger?.secretCredentialId !== undefined,
    armedAt: row?.armedAt ?? null,
    expiresAt: row?.expiresAt ?? null,
    capturedAt: row?.capturedAt ?? null,
    payload: row?.payload ?? null,
    refusal: (row?.refusal as WebhookTest['refusal'] | undefined) ?? null,
  };
}

export const webhookTestRoutes = [
  defineRoute({
    method: 'post',
    path: '/workflows/:id/webhook-test',
    operationId: 'listenForWebhookTest',
    summary:
      'Listen for a test request: arms a single-use test URL for the draft’s webhook trigger, open for 5 minutes. The request it takes becomes the draft’s test data; no run starts',
    tag: 'Drafts',
    access: 'edit',
    params: WorkflowId,
    responses: {
      201: { description: 'Listening; the answer carries the test URL', schema: WebhookTestShape },
      404: { description: 'No such workflow' },
      422: { description: 'The draft has no webhook trigger' },
    },
    async handler({ params, deps, c, caller }) {
      const workflow = await loadWorkflow(deps.repos, params.id);
      const trigger = draftWebhookTrigger(workflow.draft);
      if (!trigger) {
        throw new ApiError(
          422,
          'no_webhook_trigger',
          'the draft has no webhook trigger: only a webhook trigger listens for a test request',
        );
      }
      const token = randomToken();
      const now = Date.now();
      const row = await deps.repos.webhookTests.arm({
        workflowId: workflow.id,
        nodeId: trigger.nodeId,
        tokenHash: sha256(token),
        armedBy: caller?.user.id ?? null,
        armedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + WEBHOOK_TEST_MINUTES * 60_000).toISOString(),
      });
      const url = `${publicUrlOf(c, deps.config)}${webhookTestPath(token)}`;
      return c.json(answer(row, workflow.draft, url), 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/workflows/:id/webhook-test',
    operationId: 'getWebhookTest',
    summary: 'The draft’s webhook test: listening, expired, or the request it captured',
    tag: 'Drafts',
    access: 'view',
    params: WorkflowId,
    responses: {
      200: { description: 'The webhook test', schema: WebhookTestShape },
      404: { description: 'No such workflow' },
    },
    async handler({ params, deps, c }) {
      const workflow = await loadWorkflow(deps.repos, params.id);
      return c.json(answer(await deps.repos.webhookTests.get(workflow.id), workflow.draft));
    },
  }),
];
