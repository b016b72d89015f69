/**
 * Errors carry their retry behaviour (after Inngest's `NonRetriableError` / `RetryAfterError`):
 * the engine retries anything else according to the node type's retry policy.
 */

/** A failure that another attempt cannot fix: bad config, a 4xx answer, input of the wrong shape. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/** A failure the far side asked us to retry later, e.g. a 429 with `Retry-After`. */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Anything thrown becomes an `Error`, so it can be stored and shown (graphile-worker `coerceError`). */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  try {
    return new Error(`Non-error thrown: ${JSON.stringify(thrown)}`);
  } catch {
    return new Error(`Non-error thrown: ${String(thrown)}`);
  }
}
