/**
 * A token bucket per key (here: per workflow): `ratePerSecond` tokens a second, holding at most
 * that many, so a burst of one second's worth passes and a flood is refused.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly rate: number;

  constructor(ratePerSecond: number) {
    this.rate = ratePerSecond;
  }

  /** Takes a token; when there is none, answers how many ms until one is back. */
  take(key: string, now = performance.now()): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.rate, at: now };
    bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    if (this.buckets.size > 10_000) this.forgetFull(now);
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / this.rate) * 1000) };
  }

  /** Full buckets carry no information: drop them so the map cannot grow without end. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate >= this.rate) this.buckets.delete(key);
    }
  }
}
