import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';
import { QUEUE_URL_FROM_PARENT, sendQueueUrl } from './queue-handoff.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../worker-main.ts', import.meta.url));

/**
 * Runs the engine's worker processes next to the API and keeps them running: a worker that dies
 * is restarted (with backoff if it keeps dying). User code only ever runs in these processes.
 * They start at once and load their code while the queue's PostgreSQL starts; each receives
 * `queueUrl` when it is known (queue-handoff.ts).
 */
export function superviseWorkers(options: { count: number; queueUrl: Promise<string>; log: Logger }) {
  const children = new Set<ChildProcess>();
  /** Workers asked to drain and start again (`restart`): their exit is no failure. */
  const restarting = new Set<ChildProcess>();
  let stopping = false;

  const launch = (slot: number, failures: number) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', WORKER_ENTRY, QUEUE_URL_FROM_PARENT], {
      // The IPC channel is how a worker learns that its server died (even by SIGKILL): it then
      // drains and exits instead of lingering as an orphan.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    sendQueueUrl(child, options.queueUrl);
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      if (restarting.delete(child)) {
        options.log.info({ slot, code, signal }, 'engine worker drained; starting it again');
        launch(slot, 0);
        return;
      }
      const quick = Date.now() - startedAt < 10_000;
      const nextFailures = quick ? failures + 1 : 0;
      const delay = Math.min(30_000, 250 * 2 ** Math.min(nextFailures, 7));
      options.log.error({ slot, code, signal, restartInMs: delay }, 'engine worker exited; restarting it');
      setTimeout(() => {
        if (!stopping) launch(slot, nextFailures);
      }, delay).unref();
    });
  };
  for (let slot = 0; slot < options.count; slot++) launch(slot, 0);

  return {
    get pids(): number[] {
      return [...children].map((child) => child.pid ?? -1);
    },
    /**
     * Asks every worker to drain (SIGTERM) and starts each again as soon as it has left, killing a
     * straggler after `graceMs`. After the queue's database was restarted (a crash, mended by
     * pg/embedded.ts): graphile-worker was seen to stop taking jobs for good when its connections
     * failed while PostgreSQL was still recovering (its notify listener and job fetches retried,
     * and then nothing was fetched, with jobs due), as graphile/worker#541 reports too; a worker
     * started afresh connects afresh.
     */
    restart(graceMs = 20_000): void {
      if (stopping) return;
      for (const child of children) {
        if (child.exitCode !== null || child.signalCode !== null || restarting.has(child)) continue;
        restarting.add(child);
        void drain(child, graceMs);
      }
    },
    /** Asks every worker to drain (SIGTERM) and waits for them, killing stragglers after `graceMs`. */
    async stop(graceMs = 20_000): Promise<void> {
      stopping = true;
      await Promise.all([...children].map((child) => drain(child, graceMs)));
    },
  };
}

/** Asks a worker to drain (SIGTERM) and resolves once it has left, killing it after `graceMs`. */
function drain(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
