import { RespondOutput } from '../../nodes/actions/respond.node.ts';
import { answerHeaders, BODILESS_STATUSES } from '../../nodes/actions/respond-headers.ts';
import { workflowResult } from '../core/engine/workflow-result.ts';
import type { Graph } from '../core/graph/model.ts';
import type { RunService } from '../runs/service.ts';
import { ERROR_SUMMARY_CHARS, type ExecutionRow, TERMINAL_STATUSES } from '../store/executions.ts';
import type { Repositories } from '../store/repositories.ts';
import { ApiError } from './errors.ts';
import type { RunEvent } from './execution-schemas.ts';

/*
 * How a webhook that waits answers: with the run's result when it ends ("lastNode"), or with the
 * first Respond to webhook step's answer as soon as it is stored ("respondNode"). The engine
 * publishes step and run events; the API hears them through the run service, and reads what they
 * announce from the store (an event may be lost; the store is the record).
 */

/** How a wait for the run ended. */
export type Waited =
  /** A Respond to webhook step answered: its output, whole. */
  | { readonly kind: 'answer'; readonly output: unknown }
  | { readonly kind: 'ended'; readonly status: ExecutionRow['status'] }
  | { readonly kind: 'timeout' };

const isTerminal = (status: string | undefined): status is ExecutionRow['status'] =>
  status !== undefined && TERMINAL_STATUSES.includes(status as never);

/**
 * Waits until `settled` answers something, looking again at each event `relevant` picks out, and
 * once when subscribed (the run may have moved before the subscription); undefined when
 * `timeoutMs` passes first.
 */
function waitFor<T>(
  runs: RunService,
  executionId: string,
  timeoutMs: number,
  relevant: (event: RunEvent) => boolean,
  settled: () => Promise<T | undefined>,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (result: T | undefined, error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (error === undefined) resolve(result);
      else reject(error);
    };
    const look = () => {
      if (done) return;
      settled().then(
        (result) => {
          if (result !== undefined) finish(result);
        },
        (error: unknown) => finish(undefined, error),
      );
    };
    const unsubscribe = runs.subscribe(executionId, (event: RunEvent) => {
      if (relevant(event)) look();
    });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    look();
  });
}

/** Resolves with the run's end status, or undefined when `timeoutMs` passes first. */
export function waitForEnd(
  runs: RunService,
  repos: Repositories,
  executionId: string,
  timeoutMs: number,
): Promise<ExecutionRow['status'] | undefined> {
  return waitFor(
    runs,
    executionId,
    timeoutMs,
    (event) => event.type === 'run' && isTerminal(event.status),
    async () => {
      const status = await repos.executions.status(executionId);
      return isTerminal(status) ? status : undefined;
    },
  );
}

/**
 * Waits for the run's answer: its first Respond to webhook step (one of `responders`, node ids),
 * or its end without one, or the timeout.
 */
export async function waitForAnswer(
  runs: RunService,
  repos: Repositories,
  executionId: string,
  timeoutMs: number,
  responders: ReadonlySet<string>,
): Promise<Waited> {
  const waited = await waitFor<Waited>(
    runs,
    executionId,
    timeoutMs,
    (event) =>
      (event.type === 'step' && event.status === 'succeeded' && responders.has(event.nodeId)) ||
      (event.type === 'run' && isTerminal(event.status)),
    async () => {
      const answer = await repos.webhooks.answer(executionId);
      if (answer) return { kind: 'answer', output: answer.output };
      // Looked at after the answer: a run that answered and then ended answers, not the default.
      const status = await repos.executions.status(executionId);
      if (!isTerminal(status)) return undefined;
      // The answer may have been stored between the two reads.
      const late = await repos.webhooks.answer(executionId);
      return late ? { kind: 'answer', output: late.output } : { kind: 'ended', status };
    },
  );
  return waited ?? { kind: 'timeout' };
}

/** The run's result (workflowResult): the answering step's output, else its last step's in graph order. */
export async function runResult(repos: Repositories, graph: Graph, executionId: string): Promise<unknown> {
  const [answered, succeeded] = await Promise.all([
    repos.webhooks.answer(executionId),
    repos.webhooks.succeededSteps(executionId),
  ]);
  const result = workflowResult(graph, { answered, succeeded });
  if (result.kind === 'none') return null;
  if (result.kind === 'respond' && answered) return answered.output;
  return (await repos.webhooks.stepOutput(executionId, result.step)) ?? null;
}

/**
 * A Respond to webhook step's output as the HTTP answer: exactly its status, headers and body,
 * save the headers no answer carries from a node (respond-headers.ts), checked again here since a
 * stored output is `unknown` until parsed.
 */
export function respondAnswer(output: unknown): Response | ApiError {
  const parsed = RespondOutput.safeParse(output);
  if (!parsed.success) {
    return new ApiError(500, 'invalid_answer', 'the Respond to webhook step stored an answer that cannot be sent');
  }
  const { status, bodyType, body } = parsed.data;
  const headers = new Headers(answerHeaders(Object.entries(parsed.data.headers)).kept);
  let text: string | null = null;
  if (!BODILESS_STATUSES.includes(status)) {
    if (bodyType === 'json') text = JSON.stringify(body ?? null);
    else if (bodyType === 'text') text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  }
  return new Response(text, { status, headers });
}

/** What a sender hears when its run ended without an answer of its own, or failed while it waited. */
export async function endedAnswer(
  repos: Repositories,
  executionId: string,
  status: ExecutionRow['status'],
): Promise<{ body: object; status: 200 } | ApiError> {
  if (status === 'succeeded') return { body: { executionId, status }, status: 200 };
  const error = (await repos.executions.get(executionId))?.error as
    | { message?: unknown; nodeId?: unknown; nodeName?: unknown }
    | null
    | undefined;
  const message = typeof error?.message === 'string' ? error.message.slice(0, ERROR_SUMMARY_CHARS) : undefined;
  const where = typeof error?.nodeName === 'string' ? ` at "${error.nodeName}"` : '';
  return new ApiError(500, 'run_failed', `the run ended ${status}${where}${message ? `: ${message}` : ''}`, {
    executionId,
    status,
    ...(error && message !== undefined
      ? {
          error: {
            message,
            ...(typeof error.nodeId === 'string' ? { nodeId: error.nodeId } : {}),
            ...(typeof error.nodeName === 'string' ? { nodeName: error.nodeName } : {}),
          },
        }
      : {}),
  });
}
