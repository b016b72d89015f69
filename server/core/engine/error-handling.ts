import type { RetryPolicy } from '../../../nodes/retry.ts';
import { configPorts } from '../graph/ports.ts';
import { ERROR_PORT, type RetrySettings } from '../graph/settings.ts';
import type { CompiledNode } from './compile.ts';
import type { StepResult } from './ports.ts';

/*
 * What a node's settings (server/core/graph/settings.ts) change about its failures: how often it
 * is attempted, and what its last failed attempt does. Pure: the executor asks `retryPolicyOf`
 * when an attempt fails, the step runner asks `handledFailure` once an attempt has failed for good.
 */

/**
 * The retry policy a node's attempts follow: its type's (nodes/retry.ts), or, for an action whose
 * settings give one, the user's (attempts, backoff, first and longest delay; bounded by the
 * settings' schema), keeping the type's jitter. Other kinds never take the user's policy (a
 * validation problem), so a stored graph that had one anyway runs by its type's.
 */
export function retryPolicyOf(node: Pick<CompiledNode, 'definition' | 'settings'>): RetryPolicy {
  const own = node.definition.retry;
  const user = node.settings.retry;
  if (!user || node.definition.kind !== 'action') return own;
  return userPolicy(user, own.jitter);
}

export function userPolicy(user: RetrySettings, jitter: number): RetryPolicy {
  return {
    maxAttempts: user.attempts,
    initialDelayMs: user.delayMs,
    factor: user.backoff === 'fixed' ? 1 : 2,
    // A fixed wait is the wait: never cut below it by a smaller maximum.
    maxDelayMs: user.backoff === 'fixed' ? Math.max(user.delayMs, user.maxDelayMs) : user.maxDelayMs,
    jitter,
  };
}

/** The error as a handled failure's output carries it: what was stored, without the engine's retry flag. */
function errorOutput(error: unknown): unknown {
  if (error === null || typeof error !== 'object' || Array.isArray(error)) return { message: String(error) };
  const { retryable: _retryable, ...rest } = error as Record<string, unknown>;
  return rest;
}

/**
 * How a final failure leaves its node when its settings handle it, or undefined when the run is to
 * fail (`onError: 'stop'`, a type whose errors cannot be handled, or a failure with a retry to
 * come: only the last attempt is handled).
 * - `continue`: by the node's first port, with output `{ error }`;
 * - `error-port`: by its `error` port, with output `{ error, input }` (the input it failed on).
 * `error` is the stored error: `{ name, message }` (a message over the size cap is cut).
 */
export function handledFailure(
  node: Pick<CompiledNode, 'definition' | 'settings' | 'config'>,
  input: unknown,
  result: StepResult,
): { port: string; output: unknown } | undefined {
  if (result.status !== 'failed' || result.retryAt !== undefined) return undefined;
  const { onError } = node.settings;
  if (onError === 'stop' || !node.definition.errorSettings) return undefined;
  const error = errorOutput(result.error);
  if (onError === 'error-port') return { port: ERROR_PORT, output: { error, input: input ?? null } };
  return { port: configPorts(node.definition, node.config)[0] ?? 'main', output: { error } };
}
