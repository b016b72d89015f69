/**
 * Slows password guessing down. Failed sign-ins are counted per account (the email as typed,
 * lower-cased, whether or not it exists, so a lockout tells nothing about which emails are real)
 * and per client IP. After `freeFailures` failures in a row a key is locked for `baseLockMs`,
 * doubling with every further failure up to `maxLockMs`. A success clears the account's count; the
 * IP's count only fades (one attacker signing into their own account must not reset it).
 */
export interface LoginLimits {
  accountFreeFailures: number;
  ipFreeFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this are forgotten. */
  forgetAfterMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  accountFreeFailures: 5,
  ipFreeFailures: 20,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly limits: LoginLimits;
  private readonly now: () => number;

  constructor(limits: Partial<LoginLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    this.now = now;
  }

  /** Milliseconds until this account and IP may try again; 0 when they may now. */
  retryAfterMs(email: string, ip: string): number {
    const now = this.now();
    const wait = (key: string) => Math.max(0, (this.entry(key, now)?.lockedUntil ?? 0) - now);
    return Math.max(wait(accountKey(email)), wait(ipKey(ip)));
  }

  failed(email: string, ip: string): void {
    const now = this.now();
    this.count(accountKey(email), this.limits.accountFreeFailures, now);
    this.count(ipKey(ip), this.limits.ipFreeFailures, now);
    if (this.entries.size > 100_000) this.forgetOld(now);
  }

  succeeded(email: string): void {
    this.entries.delete(accountKey(email));
  }

  private entry(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.lastFailureAt > this.limits.forgetAfterMs && now >= entry.lockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private count(key: string, freeFailures: number, now: number): void {
    const entry = this.entry(key, now) ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailureAt = now;
    const over = entry.failures - freeFailures;
    if (over >= 0) {
      entry.lockedUntil = now + Math.min(this.limits.maxLockMs, this.limits.baseLockMs * 2 ** Math.min(over, 30));
    }
    this.entries.set(key, entry);
  }

  /** Keeps memory bounded under a flood of distinct emails or addresses. */
  private forgetOld(now: number): void {
    for (const key of this.entries.keys()) this.entry(key, now);
  }
}

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;
