/** How often, and how far apart, the engine attempts a step of a node type. */
export interface RetryPolicy {
  /** Total attempts including the first; 1 means "never retry". */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** Fraction (0..1) of each delay that is randomised, so retries of many runs do not stampede. */
  readonly jitter: number;
}

export const NO_RETRY: RetryPolicy = {
  maxAttempts: 1,
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 60_000,
  jitter: 0.25,
};

/**
 * Delay before attempt `nextAttempt` (2 = the first retry): exponential, capped, with jitter.
 * `random` is injectable so the engine core stays deterministic under test.
 */
export function backoffDelayMs(policy: RetryPolicy, nextAttempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, nextAttempt - 2);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** exponent);
  const spread = base * policy.jitter;
  // Capped after jitter too: maxDelayMs is a promise to the user, not a centre of a spread.
  return Math.min(policy.maxDelayMs, Math.max(0, Math.round(base - spread + random() * 2 * spread)));
}
