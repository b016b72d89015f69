import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Logger as GraphileLogger, type Runner, run, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import { GraphCache } from '../core/engine/graph-cache.ts';
import { StepJob } from '../core/engine/jobs.ts';
import type { Clock } from '../core/engine/ports.ts';
import type { Logger } from '../log.ts';
import { type SandboxLimits, SandboxPool } from '../sandbox/pool.ts';
import type { Store } from '../store/db.ts';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { createRunsDeps, systemClock } from './adapters.ts';
import { runConnectionTest } from './credential-test-task.ts';
import { DEFAULT_DRAIN_MS, requeueReleasedJobs, StepReleased } from './drain.ts';
import { EventHub } from './event-hub.ts';
import { ExecutionAborts } from './execution-aborts.ts';
import { sendHttp } from './http.ts';
import { ensureHeartbeatTable, Liveness } from './liveness.ts';
import { runCodeExchange } from './oauth2-exchange-task.ts';
import { CREDENTIAL_TEST_TASK, OAUTH2_EXCHANGE_TASK, RUN_TASK, STEP_TASK, WAIT_TIMER_TASK } from './queue.ts';
import { runTask } from './run-task.ts';
import { DEFAULT_RUN_CONCURRENCY, deferJob, StepDeferred, TestRuns, testRunSlots } from './slots.ts';
import { fireWaitTimer } from './wait-timers.ts';
import { type StepRunnerDeps, workerStepRunner } from './worker-step-runner.ts';

export interface WorkerOptions {
  readonly store: Store;
  readonly pgPool: pg.Pool;
  readonly log: Logger;
  /** Steps this process runs at once. */
  readonly concurrency: number;
  /** The sandbox's limits, or a pool made (and warmed) beforehand, which the worker then owns. */
  readonly sandbox?: Partial<SandboxLimits> | SandboxPool;
  /** How often to look for due jobs when no notification arrives (delays, retries). */
  readonly pollIntervalMs?: number;
  readonly sendHttp?: StepRunnerDeps['sendHttp'];
  readonly masterKey: StepRunnerDeps['masterKey'];
  /**
   * The server's public address (`PUBLIC_URL`, else its local one): resume URLs of callback waits
   * start with it, and error workflows link to the failed run on it (paths without it).
   */
  readonly publicUrl?: string | undefined;
  /** How long `stop` lets running steps finish before it releases them to other workers. */
  readonly drainMs?: number;
  /** Times the drain grace and the steps: the process's clock unless a test moves time itself. */
  readonly clock?: Clock;
  /** Steps of one run this process runs at once; more are deferred (slots.ts). */
  readonly runConcurrency?: number;
  /** The most items any loop accepts (`LOOP_MAX_ITEMS`). */
  readonly loopMaxItems?: number;
  /** How deep sub-workflow calls may nest (`SUBWORKFLOW_MAX_DEPTH`). */
  readonly subworkflowMaxDepth?: number;
}

export interface EngineWorker {
  readonly workerId: string;
  stop(): Promise<void>;
}

/** The longest delay `setTimeout` takes (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const newWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * A graphile-worker runner executing steps in this process, with one sandbox pool for the
 * user code of all its steps. Stopping drains: nothing new starts, running steps have the drain
 * grace to finish, and those still running after it are released to other workers (drain.ts).
 */
export async function startWorker(options: WorkerOptions): Promise<EngineWorker> {
  const workerId = newWorkerId();
  const sandbox = options.sandbox instanceof SandboxPool ? options.sandbox : new SandboxPool(options.sandbox);
  await ensureHeartbeatTable(options.pgPool);
  const liveness = new Liveness(options.pgPool, options.log, workerId);
  // The ids graphile-worker locks jobs with: the pool's (local queue) and each worker's.
  const events: WorkerEvents = new EventEmitter();
  events.on('pool:create', ({ workerPool }) => liveness.track(workerPool.id));
  events.on('worker:create', ({ worker }) => liveness.track(worker.workerId));
  let draining = false;
  const clock = options.clock ?? systemClock;
  // Aborted when a stopping worker's drain grace is over: the steps still running are released.
  const graceOver = new AbortController();
  let followingPool = false;
  // Cancels reach the steps running here at once: their HTTP calls and scripts are aborted.
  const aborts = new ExecutionAborts();
  // Only cancels and time limits concern a worker: other notifications are skipped unparsed.
  const hub = new EventHub(
    options.pgPool.options,
    options.log,
    (payload) => payload.includes('"canceled"') || payload.includes('"time-limit"'),
  );
  hub.subscribeAll((event) => {
    if (event.type !== 'run') return;
    const stops = event.status === 'canceled' || (event.status === 'failed' && event.reason === 'time-limit');
    if (stops && aborts.abort(event.executionId) > 0) {
      options.log.debug({ executionId: event.executionId, status: event.status }, 'aborted the steps of a stopped run');
    }
  });
  await hub.start();
  const runStep = workerStepRunner({
    store: options.store,
    pgPool: options.pgPool,
    sandbox,
    graphs: new GraphCache(),
    workerId,
    log: options.log,
    masterKey: options.masterKey,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    draining: () => draining,
    clock,
    ...(options.subworkflowMaxDepth !== undefined ? { subworkflowMaxDepth: options.subworkflowMaxDepth } : {}),
    ...(options.sendHttp ? { sendHttp: options.sendHttp } : {}),
    ...(options.loopMaxItems !== undefined ? { loopMaxItems: options.loopMaxItems } : {}),
  });
  /** Jobs released while draining, with the attempts they had: given back to the queue at stop. */
  const released = new Map<string, number>();
  const runConcurrency = options.runConcurrency ?? DEFAULT_RUN_CONCURRENCY;
  // Test runs (drafts) together take at most half the slots: published work always has room.
  const testSlots = testRunSlots(options.concurrency);
  const testRuns = new TestRuns(options.store);
  let testSteps = 0;
  /**
   * Why a step of `executionId` may not take a slot now, if it may not. A loop's iterations
   * (`iteration`: a step in a scope) are bounded by the loop's own `concurrency` setting, which
   * the user chose for that loop, instead of the run's share.
   */
  const mustWait = (executionId: string, test: boolean, iteration: boolean): string | undefined => {
    if (!iteration && aborts.steps(executionId) >= runConcurrency) {
      return `its run already has ${runConcurrency} steps running in this worker`;
    }
    if (test && testSteps >= testSlots) return `test runs already have ${testSlots} steps running in this worker`;
    return undefined;
  };
  // "Test connection" and OAuth 2 code exchanges ask a worker, since only workers make outbound calls.
  const connectionTests = {
    credentials: sqliteRepositories(options.store).credentials,
    masterKey: options.masterKey,
    send: options.sendHttp ?? sendHttp,
    pgPool: options.pgPool,
  };
  const runner: Runner = await run({
    pgPool: options.pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    events,
    pollInterval: options.pollIntervalMs ?? 1000,
    logger: graphileLogger(options.log),
    taskList: {
      [STEP_TASK]: async (payload, helpers) => {
        const job = StepJob.safeParse(payload);
        // One run cannot take every slot: a step beyond its run's share goes back to the queue.
        // Checked and counted in the same turn, so two jobs of one run cannot both pass.
        const test = job.success && testRuns.has(job.data.executionId);
        const wait = job.success ? mustWait(job.data.executionId, test, job.data.scope !== '') : undefined;
        if (wait) {
          await deferJob(options.pgPool, helpers.job.id);
          throw new StepDeferred(wait);
        }
        if (test) testSteps++;
        // graphile-worker aborts its pool's signal (the same for every job) if it ever shuts down
        // forcefully: the steps are released then too. Listened to once, not once per job.
        if (!followingPool && helpers.abortSignal) {
          followingPool = true;
          helpers.abortSignal.addEventListener('abort', () => graceOver.abort(), { once: true });
        }
        // Watched before the step reads its run (execution-aborts.ts says why).
        const canceled = job.success ? aborts.watch(job.data.executionId) : undefined;
        const either = canceled ? eitherSignal(graceOver.signal, canceled.signal) : undefined;
        const signal = either?.signal ?? graceOver.signal;
        try {
          await runStep(payload, helpers.job.id, signal);
        } catch (error) {
          // Its run was canceled: the job is done (the cancel marked its attempt canceled), and
          // neither retried nor recorded as a failure.
          if (error instanceof StepReleased && canceled?.signal.aborted && !graceOver.signal.aborted) return;
          // Thrown on, so graphile-worker unlocks the job (it would complete it on success).
          if (error instanceof StepReleased) released.set(helpers.job.id, helpers.job.attempts);
          throw error;
        } finally {
          either?.dispose();
          canceled?.leave();
          if (test) testSteps--;
        }
      },
      [WAIT_TIMER_TASK]: async (payload) => {
        // Resumes a suspended step when its time comes: a store transition and a queueing, no node runs.
        await fireWaitTimer(runStep.runs, payload);
      },
      [CREDENTIAL_TEST_TASK]: (payload, helpers) => runConnectionTest(payload, connectionTests, helpers.abortSignal),
      [OAUTH2_EXCHANGE_TASK]: (payload, helpers) => runCodeExchange(payload, connectionTests, helpers.abortSignal),
      [RUN_TASK]: runTask({
        runs: createRunsDeps(options.store, options.pgPool),
        workflows: sqliteRepositories(options.store).workflows,
        publicUrl: options.publicUrl,
        log: options.log,
      }),
    },
    preset: {
      worker: {
        // The grace is timed here, on the engine's clock (`stop`), not by graphile-worker's own
        // timer, which would abort helpers.abortSignal: set to the longest a timer may wait.
        gracefulShutdownAbortTimeout: MAX_TIMER_MS,
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
      // Resolves once every running step has ended or been released, and their jobs are unlocked;
      // heartbeats go on meanwhile, so no other worker takes this one's jobs for dead.
      draining = true;
      const endGrace = clock.after(options.drainMs ?? DEFAULT_DRAIN_MS, () => graceOver.abort());
      try {
        await runner.stop();
      } finally {
        endGrace();
      }
      if (released.size > 0) {
        const requeued = await requeueReleasedJobs(options.pgPool, released).catch((error: unknown) => {
          // They still run again, after graphile-worker's backoff.
          options.log.warn({ error: (error as Error).message }, 'could not requeue the released steps at once');
          return 0;
        });
        options.log.info({ released: released.size, requeued }, 'released the steps still running');
      }
      await liveness.stop();
      await hub.close();
      sandbox.dispose();
    },
  };
}

/** graphile-worker's log lines, through our logger (its debug chatter at debug). */
function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger(() => (level, message, meta) => {
    const target = log.child({ component: 'graphile-worker' });
    // A released step is reported by graphile-worker as a failed task; it is not an error.
    // Nor is a deferred one (slots.ts).
    if (meta?.error instanceof StepReleased || meta?.error instanceof StepDeferred) target.debug(meta, message);
    else if (level === 'error') target.error(meta ?? {}, message);
    else if (level === 'warning') target.warn(meta ?? {}, message);
    else if (level === 'info') target.debug(meta ?? {}, message);
    else target.trace(meta ?? {}, message);
  });
}

/**
 * A signal that aborts when either does, undone by `dispose`. Not `AbortSignal.any`: the worker's
 * stop signal lives as long as the worker, and every `any` over it leaves a dependent registered on
 * it until garbage collection; one per step piles up under load.
 */
function eitherSignal(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onA = () => controller.abort(a.reason);
  const onB = () => controller.abort(b.reason);
  if (a.aborted) onA();
  else if (b.aborted) onB();
  else {
    a.addEventListener('abort', onA, { once: true });
    b.addEventListener('abort', onB, { once: true });
  }
  return {
    signal: controller.signal,
    dispose() {
      a.removeEventListener('abort', onA);
      b.removeEventListener('abort', onB);
    },
  };
}
