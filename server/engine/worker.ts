import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Logger as GraphileLogger, type Runner, run, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from '../log.ts';
import { type SandboxLimits, SandboxPool } from '../sandbox/pool.ts';
import type { Store } from '../store/db.ts';
import { GraphCache } from './graphs.ts';
import { ensureHeartbeatTable, Liveness } from './liveness.ts';
import { STEP_TASK } from './queue.ts';
import { createStepRunner, type StepRunnerDeps } from './step-runner.ts';

export interface WorkerOptions {
  readonly store: Store;
  readonly pgPool: pg.Pool;
  readonly log: Logger;
  /** Steps this process runs at once. */
  readonly concurrency: number;
  readonly sandbox?: Partial<SandboxLimits>;
  /** How often to look for due jobs when no notification arrives (delays, retries). */
  readonly pollIntervalMs?: number;
  readonly sendHttp?: StepRunnerDeps['sendHttp'];
  readonly masterKey: StepRunnerDeps['masterKey'];
}

export interface EngineWorker {
  readonly workerId: string;
  stop(): Promise<void>;
}

export const newWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * A graphile-worker runner executing steps in this process, with one sandbox pool for the
 * user code of all its steps. Stopping drains: running steps finish, nothing new starts.
 */
export async function startWorker(options: WorkerOptions): Promise<EngineWorker> {
  const workerId = newWorkerId();
  const sandbox = new SandboxPool(options.sandbox);
  await ensureHeartbeatTable(options.pgPool);
  const liveness = new Liveness(options.pgPool, options.log, workerId);
  // The ids graphile-worker locks jobs with: the pool's (local queue) and each worker's.
  const events: WorkerEvents = new EventEmitter();
  events.on('pool:create', ({ workerPool }) => liveness.track(workerPool.id));
  events.on('worker:create', ({ worker }) => liveness.track(worker.workerId));
  const runStep = createStepRunner({
    store: options.store,
    pgPool: options.pgPool,
    sandbox,
    graphs: new GraphCache(),
    workerId,
    log: options.log,
    masterKey: options.masterKey,
    ...(options.sendHttp ? { sendHttp: options.sendHttp } : {}),
  });
  const runner: Runner = await run({
    pgPool: options.pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    events,
    pollInterval: options.pollIntervalMs ?? 1000,
    logger: graphileLogger(options.log),
    taskList: {
      [STEP_TASK]: async (payload, helpers) => runStep(payload, helpers.job.id, helpers.abortSignal),
    },
    preset: {
      worker: {
        // Fetch several jobs per round trip (measured: a local queue of 4x the concurrency halves
        // PostgreSQL's cost of fetching); complete them in batches per event-loop turn.
        localQueue: { size: Math.max(4, options.concurrency * 4) },
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });
  liveness.start();
  options.log.info({ workerId, concurrency: options.concurrency }, 'engine worker started');
  return {
    workerId,
    async stop() {
      await runner.stop();
      await liveness.stop();
      sandbox.dispose();
    },
  };
}

/** graphile-worker's log lines, through our logger (its debug chatter at debug). */
function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger(() => (level, message, meta) => {
    const target = log.child({ component: 'graphile-worker' });
    if (level === 'error') target.error(meta ?? {}, message);
    else if (level === 'warning') target.warn(meta ?? {}, message);
    else if (level === 'info') target.debug(meta ?? {}, message);
    else target.trace(meta ?? {}, message);
  });
}
