import type { Context } from 'hono';
import { findNodeType } from '../../nodes/catalogue.ts';
import type { ConfigOf } from '../../nodes/define.ts';
import { MAX_OUTPUT_BYTES } from '../core/engine/output-cap.ts';
import { capabilityOf } from '../credentials/capabilities.ts';
import type { RefusedSignature, SignedRequest, VerifiedSignature } from '../credentials/define-capability.ts';
import { SIGNATURE_HEADER } from '../credentials/hmac.capability.ts';
import type { Repositories } from '../store/repositories.ts';
import { ApiError } from './errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';
import { parseMultipart } from './multipart-body.ts';
import type { ApiDeps } from './route.ts';

/*
 * How a webhook request is read, shared by the real webhook (webhooks.ts) and a draft's test URL
 * (webhook-test-endpoint.ts), so a test request is checked and shaped exactly as a live one.
 */

export const webhookTrigger = findNodeType('trigger.webhook');
export type WebhookConfig = ConfigOf<typeof webhookTrigger>;

/** What a webhook request becomes: a run's trigger payload, or a draft's test data. */
export interface WebhookPayload {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  /** JSON and forms parsed, a multipart form as `MultipartBody`, other text as a string, none as null. */
  readonly body: unknown;
}

/** Request headers that never go into a run's payload (they would be stored with its steps). */
const PRIVATE_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', SIGNATURE_HEADER]);

/** The request's headers as a payload carries them: lower-case names, the private ones left out. */
export function payloadHeaders(c: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(c.req.header())) {
    if (!PRIVATE_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/**
 * How the webhook's signing credential checks a request (its type's capability, HMAC today);
 * undefined when the credential is missing, unreadable (wrong key), or of a type that signs nothing.
 */
export async function webhookVerifier(
  repos: Repositories,
  key: ApiDeps['masterKey'],
  id: string,
): Promise<((request: SignedRequest) => RefusedSignature | VerifiedSignature) | undefined> {
  try {
    const credential = await repos.credentials.secret(key, id);
    const verify = credential && capabilityOf(credential.type)?.verifyWebhook;
    return verify ? (request) => verify(credential.secret, request) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A webhook request's body as its payload carries it, from the exact bytes received: multipart forms
 * as `{ fields, files }` (multipart-body.ts, files byte-exact in base64), everything else decoded as
 * UTF-8 and read by `parseBody`. Refusals are `ApiError`s (400 unreadable, 413 too many parts or too big).
 */
export async function payloadBody(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<unknown> {
  if (/^\s*multipart\/form-data\b/i.test(contentType)) return parseMultipart(bytes, contentType);
  try {
    return parseBody(TEXT.decode(bytes), contentType);
  } catch (error) {
    throw new ApiError(400, 'invalid_body', (error as Error).message);
  }
}

/** As `Request.text()` decodes: UTF-8, a leading byte-order mark dropped, bad bytes replaced. */
const TEXT = new TextDecoder();

/**
 * Refuses (413) a payload a run could not start with: the trigger step's output is the payload, and a
 * step's output may be at most `MAX_OUTPUT_BYTES` of JSON. Only a body near the request limit's top
 * setting reaches it (a JSON body of escapes, files grown by base64); the run would fail at once.
 */
export function checkPayloadSize(payload: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes > MAX_OUTPUT_BYTES) {
    throw new ApiError(
      413,
      'payload_too_large',
      `the request makes a ${bytes}-byte payload, more than the ${MAX_OUTPUT_BYTES} bytes a run's trigger step may hold`,
    );
  }
}

/** A text body as the payload carries it: JSON and forms parsed, anything else as text, none as null. */
export function parseBody(raw: string, contentType: string): unknown {
  if (raw === '') return null;
  if (/\bjson\b/i.test(contentType)) {
    if (nestsDeeperThan(raw)) throw new Error(`body nests deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      return JSON.parse(raw);
    } catch (error) {
      throw new Error(`body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType)) return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

/** What a test request is checked against: the draft's webhook trigger as it reads now. */
export interface DraftWebhookTrigger {
  readonly nodeId: string;
  readonly method: WebhookConfig['method'];
  /** The path a live request would carry (empty while the draft has none yet). */
  readonly path: string;
  readonly secretCredentialId: string | undefined;
}

/**
 * The draft's webhook trigger (the one with `nodeId`, else the first), read leniently: a draft may be
 * incomplete (no path yet), and a test request still needs its method and its signing secret. A
 * secret named in the config is always checked, exactly as the live trigger checks it.
 */
export function draftWebhookTrigger(draft: unknown, nodeId?: string): DraftWebhookTrigger | undefined {
  const nodes = (draft as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return undefined;
  const node = (nodes as Array<{ id?: unknown; type?: unknown; config?: unknown }>).find(
    (candidate) => candidate?.type === webhookTrigger.type && (nodeId === undefined || candidate.id === nodeId),
  );
  if (!node || typeof node.id !== 'string') return undefined;
  const config = (node.config ?? {}) as Record<string, unknown>;
  const method = webhookTrigger.config.shape.method.safeParse(config.method);
  return {
    nodeId: node.id,
    method: method.success ? method.data : 'POST',
    path: typeof config.path === 'string' ? config.path : '',
    secretCredentialId:
      typeof config.secretCredentialId === 'string' && config.secretCredentialId !== ''
        ? config.secretCredentialId
        : undefined,
  };
}
