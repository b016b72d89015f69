import type pg from 'pg';
import type { StepRef } from '../../nodes/step.ts';
import type { GraphCache } from '../core/engine/graph-cache.ts';
import type { Clock, Metrics } from '../core/engine/ports.ts';
import type { Logger } from '../log.ts';
import type { SandboxPool } from '../sandbox/pool.ts';
import type { MasterKey } from '../security/master-key.ts';
import { resumeKey, resumeUrl } from '../security/resume-tokens.ts';
import type { Store } from '../store/db.ts';
import { DEFAULT_GROUP_COMMIT } from '../store/group-commit.ts';
import { SqliteRunStore } from '../store/run-store.ts';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { systemClock } from './adapters.ts';
import { authenticatedHttp } from './authenticated-http.ts';
import { credentialOperations } from './credential-operations.ts';
import { displayMarker } from './data-caps.ts';
import { sendHttp } from './http.ts';
import { PgEventBus } from './pg-ports.ts';
import { StepJobBatcher } from './queue.ts';
import type { RunsPorts } from './runs.ts';
import { createStepExecutor } from './step-execute.ts';
import { createStepRunner } from './step-runner.ts';
import { DEFAULT_SUBWORKFLOW_MAX_DEPTH, returnToParent, type SubworkflowPorts, startChildRun } from './subworkflows.ts';

/*
 * The step runner's ports wired for a worker process: the run store on SQLite, the queue and
 * events on PostgreSQL, and nodes run with the sandbox pool and real HTTP. Only workers load this
 * (the API process must never load the sandbox: server/process-boundary.test.ts).
 */

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
  /** The address resume URLs start with (`PUBLIC_URL`, else this server's own). */
  readonly publicUrl?: string;
  readonly random?: () => number;
  /** The process's clock unless a test moves time itself. */
  readonly clock?: Clock;
  readonly metrics?: Metrics;
  /** True once the worker is told to stop: chains end, and what they would run next gets a job. */
  readonly draining?: () => boolean;
  /** The most items any loop accepts (`LOOP_MAX_ITEMS`). */
  readonly loopMaxItems?: number;
  /** How deep sub-workflow calls may nest (`SUBWORKFLOW_MAX_DEPTH`). */
  readonly subworkflowMaxDepth?: number;
}

/**
 * A worker's step runner (the graphile-worker task), on SQLite, PostgreSQL and the sandbox pool,
 * with the same ports as `runs` for the worker's other engine tasks (wait timers): one run store,
 * so every engine write of the worker joins its group commit.
 */
export function workerStepRunner(deps: StepRunnerDeps) {
  // A worker groups its engine writes (a chain of pure steps stores its records in one commit).
  // A commit that fails loses writes some chains were told had succeeded: the worker stops taking
  // steps (every later write fails) and says so; its jobs run again from what is stored.
  const runStore = new SqliteRunStore(deps.store, {
    groupCommit: DEFAULT_GROUP_COMMIT,
    // A loop's collected output is capped for people like any output (invariant "capped outputs").
    displayCap: displayMarker,
    onCommitFailure: (error) => deps.log.fatal({ error: error.message }, 'the engine could not commit its writes'),
  });
  const queue = new StepJobBatcher(deps.pgPool);
  const clock = deps.clock ?? systemClock;
  const events = new PgEventBus(queue);
  // Sub-workflow runs are started, and their parents resumed, by the worker that runs the step.
  const subworkflows: SubworkflowPorts = {
    runStore,
    children: runStore,
    jobs: queue,
    events,
    clock,
    graphs: deps.graphs,
  };
  const runs: RunsPorts = subworkflows;
  const { credentials } = sqliteRepositories(deps.store);
  const maxDepth = deps.subworkflowMaxDepth ?? DEFAULT_SUBWORKFLOW_MAX_DEPTH;
  const runStep = createStepRunner({
    runStore,
    queue,
    events,
    clock,
    onRunEnded: (executionId) => returnToParent(subworkflows, executionId),
    onSuspended: async (_step, wait) => {
      if (wait.kind === 'subworkflow' && typeof wait.executionId === 'string') {
        await returnToParent(subworkflows, wait.executionId);
      }
    },
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    execute: createStepExecutor({
      runs: runStore,
      sandbox: deps.sandbox,
      http: authenticatedHttp(deps.sendHttp ?? sendHttp, credentials, deps.masterKey, deps.pgPool),
      useCredential: credentialOperations(credentials, deps.masterKey),
      log: deps.log,
      clock,
      ...(deps.publicUrl ? { resumeUrl: resumeUrls(deps.masterKey, deps.publicUrl) } : {}),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.loopMaxItems !== undefined ? { loopMaxItems: deps.loopMaxItems } : {}),
      startWorkflow: (step, request) => startChildRun(subworkflows, maxDepth, step, request),
    }),
    graphs: deps.graphs,
    workerId: deps.workerId,
    log: deps.log,
    ...(deps.draining ? { draining: deps.draining } : {}),
  });
  return Object.assign(runStep, { runs });
}

/** Resume URLs of callback waits, signed under the master key (server/security/resume-tokens.ts). */
function resumeUrls(masterKey: MasterKey, publicUrl: string) {
  const key = resumeKey(masterKey);
  return (step: StepRef) => resumeUrl(key, publicUrl, step);
}
