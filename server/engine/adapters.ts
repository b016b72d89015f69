import type pg from 'pg';
import { GraphCache } from '../core/engine/graph-cache.ts';
import type { ChildRunStore, Clock } from '../core/engine/ports.ts';
import type { Store } from '../store/db.ts';
import { nowIso } from '../store/db.ts';
import { SqliteRunStore } from '../store/run-store.ts';
import { displayMarker } from './data-caps.ts';
import type { EventHub } from './event-hub.ts';
import { PgEventBus } from './pg-ports.ts';
import { StepJobBatcher } from './queue.ts';
import type { RunsPorts } from './runs.ts';

/*
 * Where the engine's ports (server/core/engine/ports.ts) meet their production adapters: SQLite
 * for the run store, graphile-worker on PostgreSQL for the step queue and the events, the real
 * clock. The API process loads this file, so running nodes (isolates, HTTP) is wired apart, in
 * worker-step-runner.ts.
 */

/** The clock of the process: `Date` and `setTimeout`. */
export const systemClock: Clock = {
  nowIso,
  nowMs: () => Date.now(),
  after(ms, callback) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** What the API and the scheduler hold to start, cancel, retry and resume runs: the ports, and the store. */
export interface RunsDeps extends RunsPorts {
  readonly store: Store;
  /** Sub-workflow runs' records (server/engine/subworkflows.ts): the run store's other face. */
  readonly children: ChildRunStore;
}

/** `hub`, in the API process, lets the event bus be listened to as well as published on. */
export function createRunsDeps(store: Store, pgPool: pg.Pool, hub?: EventHub): RunsDeps {
  const jobs = new StepJobBatcher(pgPool);
  const runStore = new SqliteRunStore(store, { displayCap: displayMarker });
  return {
    store,
    runStore,
    children: runStore,
    jobs,
    events: new PgEventBus(jobs, hub),
    clock: systemClock,
    graphs: new GraphCache(),
  };
}
