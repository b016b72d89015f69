import type pg from 'pg';
import { GraphCache } from '../core/engine/graph-cache.ts';
import type { Clock, Metrics } from '../core/engine/ports.ts';
import type { Logger } from '../log.ts';
import type { SandboxPool } from '../sandbox/pool.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { Store } from '../store/db.ts';
import { SqliteRunStore } from '../store/run-store.ts';
import { authenticatedHttp } from './authenticated-http.ts';
import type { EventHub } from './event-hub.ts';
import { sendHttp } from './http.ts';
import { PgEventBus } from './pg-ports.ts';
import { StepJobBatcher } from './queue.ts';
import type { RunsPorts } from './runs.ts';
import { createStepExecutor } from './step-execute.ts';
import { createStepRunner } from './step-runner.ts';

/*
 * Where the engine's ports (server/core/engine/ports.ts) meet their production adapters: SQLite
 * for the run store, graphile-worker on PostgreSQL for the step queue and the events, the real
 * clock, isolates and HTTP for running nodes.
 */

/** The clock of the process: `Date` and `setTimeout`. */
export const systemClock: Clock = {
  nowIso: () => new Date().toISOString(),
  nowMs: () => Date.now(),
  after(ms, callback) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** What the API and the scheduler hold to start, cancel, retry and resume runs: the ports, and the store. */
export interface RunsDeps extends RunsPorts {
  readonly store: Store;
}

/** `hub`, in the API process, lets the event bus be listened to as well as published on. */
export function createRunsDeps(store: Store, pgPool: pg.Pool, hub?: EventHub): RunsDeps {
  const jobs = new StepJobBatcher(pgPool);
  return {
    store,
    runStore: new SqliteRunStore(store),
    jobs,
    events: new PgEventBus(jobs, hub),
    clock: systemClock,
    graphs: new GraphCache(),
  };
}

export interface StepRunnerDeps {
  readonly store: Store;
  readonly pgPool: pg.Pool;
  readonly sandbox: SandboxPool;
  readonly graphs: GraphCache;
  readonly workerId: string;
  readonly log: Logger;
  readonly sendHttp?: typeof sendHttp;
  /** Opens the credentials HTTP requests authenticate with. */
  readonly masterKey: MasterKey;
  readonly random?: () => number;
  readonly metrics?: Metrics;
  /** True once the worker is told to stop: chains end, and what they would run next gets a job. */
  readonly draining?: () => boolean;
}

/** A worker's step runner (the graphile-worker task), on SQLite, PostgreSQL and the sandbox pool. */
export function workerStepRunner(deps: StepRunnerDeps) {
  const runStore = new SqliteRunStore(deps.store);
  const queue = new StepJobBatcher(deps.pgPool);
  return createStepRunner({
    runStore,
    queue,
    events: new PgEventBus(queue),
    clock: systemClock,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    execute: createStepExecutor({
      runs: runStore,
      sandbox: deps.sandbox,
      http: authenticatedHttp(deps.sendHttp ?? sendHttp, deps.store.sqlite, deps.masterKey),
      log: deps.log,
      ...(deps.random ? { random: deps.random } : {}),
    }),
    graphs: deps.graphs,
    workerId: deps.workerId,
    log: deps.log,
    ...(deps.draining ? { draining: deps.draining } : {}),
  });
}
