import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { HttpRequest, HttpResponse, NodeContext } from '../define.ts';

/**
 * A small real `NodeContext` for node tests (test-only; nothing outside tests imports it).
 *
 * Template evaluation belongs to the sandbox, which this context does not have: `evaluate` hands
 * back values without `{{` unchanged and refuses anything holding a template, so a test that
 * reaches one fails loudly instead of comparing raw template text. `runScript` likewise refuses;
 * script tests pass their own, as do tests of nodes that `useCredential`. `http` is real `fetch`, so node tests talk to a real server.
 */
export function testContext(overrides: Partial<NodeContext> = {}): NodeContext {
  const signal = overrides.signal ?? new AbortController().signal;
  return {
    executionId: 'exec-1',
    nodeId: 'node-1',
    scope: '',
    attempt: 1,
    idempotencyKey: 'exec-1:node-1',
    trigger: {},
    signal,
    now: () => new Date(),
    // The worker's own (server/engine/node-crypto.ts) does the same with the same module.
    crypto: {
      hash: (algorithm, text, encoding) => createHash(algorithm).update(text, 'utf8').digest(encoding),
      randomUUID: () => randomUUID(),
    },
    evaluate: async (value) => withoutTemplates(value),
    runScript: async () => {
      throw new Error('sandbox not available');
    },
    http: (request) => fetchHttp(request, signal),
    startWorkflow: async () => {
      throw new Error('starting workflows is not available');
    },
    // Protocol work belongs to the worker's capabilities: a test that needs it passes one.
    useCredential: async () => {
      throw new Error('credential operations are not available');
    },
    ...overrides,
  };
}

/**
 * An `evaluate` standing in for the sandbox: each string holding a template is answered from
 * `answers` (what the sandbox would make of it), strings without one come back unchanged, inside
 * arrays and objects too. `asked` records every value the node handed over, so a test can tell
 * which fields it evaluated. A template without an answer fails, naming it.
 */
export function answeringTemplates(answers: Readonly<Record<string, unknown>>): {
  evaluate: NodeContext['evaluate'];
  asked: unknown[];
} {
  const asked: unknown[] = [];
  const answer = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('{{')) return value;
      if (!Object.hasOwn(answers, value)) throw new Error(`no answer for the template ${JSON.stringify(value)}`);
      return answers[value];
    }
    if (Array.isArray(value)) return value.map(answer);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, answer(item)]));
    }
    return value;
  };
  return {
    asked,
    evaluate: async (value) => {
      asked.push(value);
      return answer(value);
    },
  };
}

function withoutTemplates(value: unknown): unknown {
  assertNoTemplates(value, value);
  return value;
}

function assertNoTemplates(value: unknown, whole: unknown): void {
  if (typeof value === 'string') {
    if (value.includes('{{')) {
      throw new Error(`template evaluation needs the sandbox: ${JSON.stringify(whole)}`);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) assertNoTemplates(item, whole);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) assertNoTemplates(item, whole);
  }
}

async function fetchHttp(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.any([signal, AbortSignal.timeout(request.timeoutMs)]),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}

/** The paths of the issues a schema reports for `value`; empty when the value is accepted. */
export function issuePaths(schema: z.ZodType, value: unknown): PropertyKey[][] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}
