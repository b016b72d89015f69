import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/config.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../server/worker-main.ts', import.meta.url));

/** An engine worker process, as production runs it, on the given data dir and queue. */
export function spawnWorker(dataDir: string, databaseUrl: string, concurrency: number): ChildProcess {
  // BENCH_PROFILE=<dir> writes a CPU profile of each worker process there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  return spawn(process.execPath, ['--no-node-snapshot', ...profile, WORKER_ENTRY], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      WORKER_CONCURRENCY: String(concurrency),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** How many worker processes `npm start` would run here: `WORKERS` if set, else its default (one per core but one, 1 to 4). */
export function startWorkerCount(): number {
  return Math.max(1, loadConfig({ WORKERS: process.env.WORKERS }).workers);
}

/**
 * The worker settings `npm start` would use on this machine, read through its own configuration:
 * how many worker processes (see `startWorkerCount`) and `WORKER_CONCURRENCY` (default 10).
 */
export function startWorkerSettings(): { count: number; concurrency: number; label: string } {
  const count = startWorkerCount();
  const concurrency = loadConfig({ WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY }).workerConcurrency;
  return {
    count,
    concurrency,
    label: `${count} worker process${count === 1 ? '' : 'es'} x concurrency ${concurrency}`,
  };
}

/** The process ids of the given workers, for reading their CPU time. */
export const workerPids = (workers: readonly ChildProcess[]): number[] =>
  workers.flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid]));

export async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  await exited;
}
