import { NonRetryableError, RetryAfterError } from '../../../nodes/errors.ts';
import { backoffDelayMs, type RetryPolicy } from '../../../nodes/retry.ts';

/** The longest a `Retry-After` is honoured: a far side asking for a day's pause fails the step instead. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * After attempt `attempt` failed with `error`: the delay before the next attempt, or undefined
 * when the step has failed for good (non-retryable, attempts used up, or too long a Retry-After).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  error: Error,
  random: () => number = Math.random,
): number | undefined {
  if (error instanceof NonRetryableError || error.name === 'NonRetryableError') return undefined;
  if (attempt >= policy.maxAttempts) return undefined;
  if (error instanceof RetryAfterError) {
    return error.retryAfterMs <= MAX_RETRY_AFTER_MS ? error.retryAfterMs : undefined;
  }
  return backoffDelayMs(policy, attempt + 1, random);
}
