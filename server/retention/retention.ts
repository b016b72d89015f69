import { setImmediate as nextTurn } from 'node:timers/promises';
import { DEFAULT_LOGIN_LIMITS } from '../auth/login-limiter.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Repositories } from '../store/repositories.ts';

/** Executions per delete transaction: about 50 ms of write lock with a few step runs each. */
export const RETENTION_BATCH_SIZE = 500;
/**
 * How long after a run succeeded the whole copies of its capped outputs are kept: a webhook
 * waiting for the run reads its answer right after the end.
 */
const SPENT_OUTPUTS_AFTER_MS = 60_000;
/** The first prune comes soon after a start, so a server restarted often still prunes. */
const FIRST_RUN_MAX_DELAY_MS = 60_000;

export interface Retention {
  /** Cancels the timer and waits for a prune under way to stop at its next batch. */
  stop(): Promise<void>;
  /** Prunes now (or joins the prune under way); answers how many executions it deleted. */
  runNow(): Promise<number>;
}

/**
 * Execution retention: every RETENTION_INTERVAL_MINUTES, deletes ended executions beyond the age
 * and count limits (and sessions that expired or were revoked, failed sign-ins long quiet, webhook deliveries past the
 * idempotency window, schedule fires the scheduler no longer needs, whole copies of capped
 * outputs of runs that succeeded), then gives the space back (incremental vacuum). Runs in the API
 * process, one batch per event-loop turn so requests are served in between; the timer does not
 * keep the process alive and a failed prune is logged and tried again next time.
 */
export function startRetention(deps: {
  repos: Pick<Repositories, 'executions' | 'sessions' | 'schedules' | 'webhooks' | 'loginFailures'>;
  log: Logger;
  config: Pick<Config, 'retentionDays' | 'retentionMaxExecutions' | 'retentionIntervalMinutes'>;
  batchSize?: number;
}): Retention {
  const { repos, log, config } = deps;
  const intervalMs = config.retentionIntervalMinutes * 60_000;
  let stopped = false;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function prune(): Promise<number> {
    const started = performance.now();
    // Expired and revoked sessions go at the same pace; they are a few rows, one statement.
    const sessions = await repos.sessions.deleteDead();
    if (sessions > 0) log.debug({ sessions }, 'deleted dead sessions');
    const loginFailures = await repos.loginFailures.prune(
      new Date(Date.now() - DEFAULT_LOGIN_LIMITS.forgetAfterMs).toISOString(),
    );
    if (loginFailures > 0) log.debug({ loginFailures }, 'deleted failed sign-ins no longer counted');
    const batchSize = deps.batchSize ?? RETENTION_BATCH_SIZE;
    const deleted = await drain(
      repos.executions.prune({
        maxAgeDays: config.retentionDays,
        maxCount: config.retentionMaxExecutions,
        batchSize,
      }),
    );
    // Bookkeeping that would otherwise grow for ever: idempotency keys past their window, and
    // schedule fires the scheduler no longer needs (whatever the executions' retention says).
    const deliveries = await drain(repos.webhooks.pruneDeliveries({ batchSize }));
    const fires = await drain(repos.schedules.pruneFires({ batchSize }));
    if (deliveries > 0 || fires > 0) {
      log.debug({ deliveries, fires }, 'deleted old webhook deliveries and schedule fires');
    }
    // Whole outputs kept beside capped ones (few rows, found by a partial index): one statement.
    const spent = stopped
      ? 0
      : await repos.executions.clearSpentOutputs(new Date(Date.now() - SPENT_OUTPUTS_AFTER_MS).toISOString());
    if (spent > 0) log.debug({ steps: spent }, 'cleared whole copies of capped outputs');
    if (deleted + deliveries + fires + spent > 0 && !stopped) {
      const reclaimed = await repos.executions.reclaimSpace();
      if (deleted > 0) {
        log.info({ deleted, ...reclaimed, ms: Math.round(performance.now() - started) }, 'pruned old executions');
      }
    }
    return deleted;
  }

  /** Runs a prune's batches, one per event-loop turn, until done or stopped; answers the rows deleted. */
  async function drain(batches: AsyncIterable<number>): Promise<number> {
    let deleted = 0;
    if (stopped) return deleted;
    for await (const batch of batches) {
      deleted += batch;
      await nextTurn();
      if (stopped) break;
    }
    return deleted;
  }

  function runNow(): Promise<number> {
    running ??= prune().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runNow()
        .catch((error: unknown) => log.error({ err: error }, 'pruning old executions failed'))
        .finally(() => schedule(intervalMs));
    }, delayMs);
    timer.unref();
  }
  schedule(Math.min(intervalMs, FIRST_RUN_MAX_DELAY_MS));

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    runNow,
  };
}
