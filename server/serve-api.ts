import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import type { Config } from './config.ts';
import { createRunsDeps, type RunsDeps } from './engine/adapters.ts';
import { connectionTester } from './engine/credential-test-requests.ts';
import { EventHub } from './engine/event-hub.ts';
import { codeExchanger } from './engine/oauth2-exchange-requests.ts';
import { reconcileUnfinishedRuns } from './engine/runs.ts';
import { returnEndedChildren } from './engine/subworkflows.ts';
import { stopOnSignals } from './exit.ts';
import { checkReadiness, postgresAnswers, sqliteWritable, workerAlive } from './health/readiness.ts';
import type { Logger } from './log.ts';
import type { QueueDatabase } from './pg/queue-database.ts';
import { settleMemoryAfterStart } from './processes/settle-memory.ts';
import type { superviseWorkers } from './processes/supervisor.ts';
import { startRetention } from './retention/retention.ts';
import { createRunService } from './runs/service.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { loadMasterKey } from './security/master-key.ts';
import type { Store } from './store/db.ts';
import { newId } from './store/ids.ts';
import { sqliteRepositories } from './store/sqlite-repositories.ts';

/**
 * The API and what runs beside it in `npm start`'s process, once the run queue and the SQLite
 * store are open: the repositories, the event hub, the scheduler, execution retention, the HTTP
 * server, the resumption of unfinished runs, and the shutdown of it all (workers and queue too).
 */
export async function serveApi(parts: {
  config: Config;
  log: Logger;
  webDir: string;
  store: Store;
  queue: QueueDatabase;
  workers: ReturnType<typeof superviseWorkers>;
}): Promise<void> {
  const { config, log, webDir, store, queue, workers } = parts;
  // One connection: the engine's run side uses it directly, everything else through the port.
  const repos = sqliteRepositories(store);
  const events = new EventHub(queue.url, log);
  await events.start();
  const runs = createRunsDeps(store, queue.pool, events);
  const retention = startRetention({ repos, log, config });
  const scheduler = new Scheduler(runs, repos, log);
  scheduler.start();
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const readiness = () =>
    checkReadiness({
      sqlite: sqliteWritable(store),
      postgres: postgresAnswers(queue.pool),
      worker: workerAlive(queue.pool),
    });
  const app = createApp(
    {
      repos,
      log,
      config,
      masterKey,
      readiness,
      runs: createRunService(runs, events),
      connectionTests: connectionTester(queue.pool, events),
      oauth2Exchange: codeExchanger(queue.pool, events, masterKey),
    },
    { webDir },
  );

  // Listen first: after a crash with a backlog, resuming every unfinished run takes a while, and
  // the API (and /healthz) must answer meanwhile. Runs started from now on are queued by their own
  // request, so the reconcile covers only those that existed before this point.
  const resuming = resumeInBackground(runs, log);
  const startedUpTo = newId();
  // A restarted embedded PostgreSQL may have lost the queue's last moments: rebuild it from SQLite,
  // and start the workers afresh on it (supervisor.ts, `restart`, says why).
  queue.onRestart(() => {
    resuming.resume(newId());
    workers.restart((config.workerDrainSeconds + 10) * 1000);
  });
  const server: ServerType = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info({ url: `http://${config.host}:${info.port}`, dataDir: config.dataDir }, 'Stepwise is listening');
    resuming.resume(startedUpTo);
    settleMemoryAfterStart((error) => log.warn({ error: error.message }, 'could not settle memory after start'));
  });

  stopOnSignals(async (signal) => {
    log.info({ signal }, 'shutting down');
    // Keep-alive and event-stream connections would hold the server open: close them after a grace period.
    const closing = new Promise<void>((resolve) => server.close(() => resolve()));
    setTimeout(() => (server as { closeAllConnections?: () => void }).closeAllConnections?.(), 2000).unref();
    await resuming.stop();
    await scheduler.stop();
    await retention.stop();
    // Workers drain for WORKER_DRAIN_SECONDS, then release what still runs and close their pools:
    // only one that overstays that by far is killed (crash takeover then recovers its steps).
    await workers.stop((config.workerDrainSeconds + 10) * 1000);
    await closing;
    await events.close();
    await queue.close();
    // Waits for a transaction still open, then closes the SQLite file (the engine's side too).
    await repos.close();
  });
}

/**
 * Resumes the unfinished runs (`reconcileUnfinishedRuns`) without holding up the caller, logging
 * progress per batch; each `resume` runs after the one before. `STEPWISE_TEST_RECONCILE_GATE`
 * (tests only) names a file whose appearance lets it begin, so a test can see the server answer
 * while the reconcile has not finished.
 */
function resumeInBackground(runs: RunsDeps, log: Logger) {
  const abort = new AbortController();
  let done: Promise<void> = Promise.resolve();
  const gate = process.env.STEPWISE_TEST_RECONCILE_GATE;
  const opened = async () => {
    while (gate && !existsSync(gate) && !abort.signal.aborted) await sleep(20);
  };
  return {
    /** `upTo`: the newest execution id to look at; runs started later were queued by their request. */
    resume(upTo: string) {
      done = done
        .then(async () => {
          await opened();
          const startedAt = Date.now();
          const resumed = await reconcileUnfinishedRuns(runs, {
            upTo,
            signal: abort.signal,
            onBatch: (progress) => log.info(progress, 'resuming unfinished runs'),
          });
          if (abort.signal.aborted) log.info(resumed, 'stopped resuming unfinished runs (shutting down)');
          else log.info({ ...resumed, ms: Date.now() - startedAt }, 'resumed unfinished runs');
          // Steps still waiting for sub-workflow runs that ended before a crash let them know.
          const returned = await returnEndedChildren(runs);
          if (returned > 0) log.info({ steps: returned }, 'resumed steps waiting for ended sub-workflow runs');
        })
        .catch((error: unknown) => {
          // The next start (or PostgreSQL restart) reconciles again; meanwhile the runs wait, as they would have.
          log.error({ err: error }, 'could not resume unfinished runs; they will be resumed at the next start');
        });
    },
    async stop() {
      abort.abort();
      await done;
    },
  };
}
