import { z } from 'zod';
import { credentialRef } from '../credential.ts';
import { httpCredentialTypes } from '../credentials/catalogue.ts';
import { defineNode, type HttpResponse } from '../define.ts';
import { NonRetryableError, RetryAfterError } from '../errors.ts';
import { hasExpressions, template } from '../template.ts';

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');

export default defineNode({
  type: 'action.http',
  kind: 'action',
  title: 'HTTP request',
  description: 'Calls a URL and outputs the status, headers and parsed body of the answer.',
  icon: 'globe',
  docs: [
    "Sends one request and outputs `{ status, headers, body }`; a JSON answer's body is parsed. URL, headers, query values and strings inside the body may use expressions.",
    "Pick a credential to sign the request in: the secret never appears in the workflow, the run's data or this page. Each call carries an `Idempotency-Key` that stays the same across retries, so a careful server does the work once.",
    'With "fail on non-2xx" an answer outside 200–299 fails the step: a 429 is retried when the server says, other 4xx fail at once, 5xx and network errors are retried.',
  ].join('\n\n'),
  config: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    url: template('http(s) URL; may use expressions')
      .min(1)
      // The pattern goes into the JSON Schema, so the editor says it as the URL is typed; the refine is the full check.
      .regex(/^\s*[Hh][Tt][Tt][Pp][Ss]?:\/\/|\{\{/, { message: 'must start with http:// or https://', abort: true })
      .refine((url) => hasExpressions(url) || isHttpUrl(url), {
        message: 'must be an http:// or https:// URL',
      }),
    headers: z.record(HeaderName, template()).default({}),
    query: z.record(z.string().min(1), template()).default({}).describe('Query parameters added to the URL'),
    // format "template" on free JSON: its strings are templates (server/core/graph/expression-fields.ts).
    body: z.json().optional().describe('JSON body; strings inside may use expressions').meta({ format: 'template' }),
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
    failOnNon2xx: z.boolean().default(true).describe('Fail the step when the answer is not 2xx'),
    credentialId: credentialRef(httpCredentialTypes, 'Credential to authenticate the request with').optional(),
  }),
  retry: { maxAttempts: 4, initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 0.25 },
  async execute({ config, ctx }) {
    const url = String(await ctx.evaluate(config.url));
    if (!isHttpUrl(url)) throw new NonRetryableError(`url "${url}" is not an http:// or https:// URL`);
    const target = new URL(url);
    const query = (await ctx.evaluate(config.query)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(query)) target.searchParams.append(key, String(value));

    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((await ctx.evaluate(config.headers)) as Record<string, unknown>)) {
      headers[key.toLowerCase()] = String(value);
    }
    // The same step retried, or run again after a crash, carries the same key, so the far side can deduplicate.
    headers['idempotency-key'] ??= ctx.idempotencyKey;

    let body: string | undefined;
    if (config.body !== undefined && config.method !== 'GET' && config.method !== 'HEAD') {
      const value = await ctx.evaluate(config.body);
      if (typeof value === 'string') {
        body = value;
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      } else {
        body = JSON.stringify(value);
        headers['content-type'] ??= 'application/json';
      }
    }

    const response = await ctx.http({
      method: config.method,
      url: target.toString(),
      headers,
      body,
      timeoutMs: config.timeoutMs,
      ...(config.credentialId ? { credentialId: config.credentialId } : {}),
    });
    const output = { status: response.status, headers: response.headers, body: parseBody(response) };
    if (config.failOnNon2xx && (response.status < 200 || response.status > 299)) throw errorFor(response);
    return { output };
  },
});

function parseBody(response: HttpResponse): unknown {
  const type = response.headers['content-type'] ?? '';
  if (/\bjson\b/i.test(type) && response.body !== '') {
    try {
      return JSON.parse(response.body);
    } catch {
      return response.body;
    }
  }
  return response.body;
}

/** 429 waits as told, other 4xx are final, 5xx and the rest are retried by policy. */
export function errorFor(response: HttpResponse): Error {
  const summary = `HTTP ${response.status}: ${response.body.slice(0, 500)}`;
  if (response.status === 429) return new RetryAfterError(summary, retryAfterMs(response.headers['retry-after']));
  if (response.status >= 400 && response.status < 500) return new NonRetryableError(summary);
  return new Error(summary);
}

/** `Retry-After` is either delta-seconds or an HTTP date; default to 1 s when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  if (!header) return 1000;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  // HTTP dates always end in GMT; Date.parse alone would take "-5" for a year.
  const date = /GMT\s*$/.test(header) ? Date.parse(header) : Number.NaN;
  return Number.isNaN(date) ? 1000 : Math.max(0, date - now);
}
