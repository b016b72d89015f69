import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { template } from '../template.ts';
import { answerHeaders, BODILESS_STATUSES, HEADER_NAME, isSafeHeaderValue } from './respond-headers.ts';

/** How the body is sent: JSON (any value), text (a string), or nothing. */
export const RespondBodyType = z.enum(['json', 'text', 'empty']);

/**
 * What a Respond to webhook step outputs, and what the API sends from it: the status, the headers
 * (lower-case names, unsafe ones dropped and named in `droppedHeaders`) and the body as its type
 * says. A later responder of the same run carries `ignored` and the reason: the first one answered.
 */
export const RespondOutput = z.object({
  status: z.number().int().min(200).max(599),
  headers: z.record(z.string(), z.string()),
  bodyType: RespondBodyType,
  body: z.unknown(),
  droppedHeaders: z.array(z.string()).optional(),
  ignored: z.literal(true).optional(),
  reason: z.string().optional(),
});
export type RespondOutput = z.output<typeof RespondOutput>;

const respondNode = defineNode({
  type: 'action.respond',
  kind: 'action',
  title: 'Respond to webhook',
  description: 'Answers the webhook request that started the run, with the status, headers and body you set.',
  icon: 'send',
  docs: [
    'Answers the HTTP request that started the run. The workflow’s Webhook trigger must have Respond set to “respond node”; the sender gets its answer as soon as this step is stored, while the run goes on.',
    "Body type JSON sends the body as JSON (strings inside may use expressions; left empty, the step's input is sent); text sends the body as text; empty sends none (needed for 204 and 304). A `Content-Type` header of your own replaces the default one.",
    'Only the first Respond to webhook step of a run answers: one that runs later (another branch, say) is stored with `ignored: true` and the reason. `Connection`, `Transfer-Encoding` and the other hop-by-hop headers, `Content-Length` and `Set-Cookie` are never sent; the output lists them as `droppedHeaders`. When the run ends without answering, the sender gets the documented default answer.',
  ].join('\n\n'),
  config: z
    .strictObject({
      status: z.number().int().min(200).max(599).default(200).describe('HTTP status code of the answer'),
      headers: z
        .array(
          z.strictObject({
            name: z.string().regex(HEADER_NAME, 'not a valid HTTP header name').describe('Header name'),
            value: template('Header value; may use expressions'),
          }),
        )
        .max(50)
        .default([]),
      bodyType: RespondBodyType.default('json').describe('Send the body as JSON, as text, or send none'),
      // format "template" on free JSON: its strings are templates (server/core/graph/expression-fields.ts).
      body: z
        .json()
        .optional()
        .describe('JSON (strings inside may use expressions) or text; left empty, a JSON answer sends the step input')
        .meta({ format: 'template' }),
    })
    .refine((config) => !BODILESS_STATUSES.includes(config.status) || config.bodyType === 'empty', {
      message: 'a 204, 205 or 304 answer has no body: pick body type "empty"',
      path: ['bodyType'],
    }),
  // It has no effect outside its stored result: the API process reads that result and sends it.
  // Running it twice changes nothing but the stored result, which is stored once (invariant
  // "unique step"), so it runs inline, and the sender hears sooner.
  pure: true,
  needsTrigger: {
    type: 'trigger.webhook',
    config: { respond: 'respondNode' },
    why: 'answers the webhook request that started the run: the workflow needs a Webhook trigger with Respond set to "respond node"',
  },
  async execute({ config, input, ctx }) {
    const evaluated: [string, string][] = [];
    for (const [index, header] of config.headers.entries()) {
      const value = await ctx.evaluate(header.value);
      const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
      if (!isSafeHeaderValue(text)) {
        throw new NonRetryableError(
          `header ${index + 1} (${header.name}): the value holds a line break or NUL, which cannot be sent`,
        );
      }
      evaluated.push([header.name, text]);
    }
    const { kept: headers, dropped } = answerHeaders(evaluated);
    let body: unknown = null;
    if (config.bodyType === 'json') {
      body = config.body === undefined ? input : await ctx.evaluate(config.body);
      headers['content-type'] ??= 'application/json';
    } else if (config.bodyType === 'text') {
      const value = config.body === undefined ? '' : await ctx.evaluate(config.body);
      body = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    }
    const output: RespondOutput = {
      status: config.status,
      headers,
      bodyType: config.bodyType,
      body: body ?? null,
      ...(dropped.length > 0 ? { droppedHeaders: dropped } : {}),
    };
    return { output };
  },
});

export default respondNode;

/** The type the API and the engine recognise responders by. */
export const RESPOND_NODE_TYPE = respondNode.type;
