import type { Repositories } from '../store/repositories.ts';

/**
 * Slows password guessing down without handing anyone a lockout weapon. Failed sign-ins are
 * counted per (account, client address) pair, the account being the email as typed, lower-cased,
 * whether or not it exists (so a refusal tells nothing about which emails are real). After
 * `freeFailures` failures of a pair, the pair is refused for `baseLockMs`, doubling with every
 * further failure up to `maxLockMs`; failures quiet for `forgetAfterMs` are forgotten, and the
 * pair's successful sign-in forgets them at once.
 *
 * Nothing is counted per account alone nor per address alone: an attacker failing on an admin's
 * account locks out only themselves, and one address (a shared proxy) failing on many accounts
 * locks nobody else out. A correct password from an address with no recent failures on that
 * account always signs in. The counts live in the store, so every API process shares them.
 */
export interface LoginLimits {
  freeFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this (and no longer locking) are forgotten. */
  forgetAfterMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  freeFailures: 5,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

export class LoginLimiter {
  private readonly repos: Pick<Repositories, 'loginFailures'>;
  private readonly limits: LoginLimits;
  private readonly now: () => number;

  constructor(
    repos: Pick<Repositories, 'loginFailures'>,
    limits: Partial<LoginLimits> = {},
    now: () => number = Date.now,
  ) {
    this.repos = repos;
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    this.now = now;
  }

  /** Milliseconds until this account may be tried again from this address; 0 when it may now. */
  async retryAfterMs(email: string, ip: string): Promise<number> {
    const now = this.now();
    const failure = await this.repos.loginFailures.get(accountOf(email), ip, this.limits.forgetAfterMs, new Date(now));
    return failure?.lockedUntil ? Math.max(0, Date.parse(failure.lockedUntil) - now) : 0;
  }

  /** Counts a failure of the pair; answers how long the pair is now refused (0: not at all). */
  async failed(email: string, ip: string): Promise<number> {
    const now = this.now();
    const { freeFailures, baseLockMs, maxLockMs, forgetAfterMs } = this.limits;
    const failure = await this.repos.loginFailures.record(
      accountOf(email),
      ip,
      {
        forgetAfterMs,
        lockMsFor: (failures) => {
          const over = failures - freeFailures;
          return over < 0 ? 0 : Math.min(maxLockMs, baseLockMs * 2 ** Math.min(over, 30));
        },
      },
      new Date(now),
    );
    return failure.lockedUntil ? Date.parse(failure.lockedUntil) - now : 0;
  }

  /** The pair signed in: its failures are forgotten (other addresses' failures on the account stay). */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.repos.loginFailures.clear(accountOf(email), ip);
  }
}

const accountOf = (email: string) => email.trim().toLowerCase();
