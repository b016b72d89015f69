import { ConfigError } from './config.ts';

/** Runs `load`; a configuration error ends the process with its message (naming the variable), exit code 1. */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Runs `stop` once on the first SIGINT or SIGTERM (later signals are ignored while it runs), then
 * exits 0. Both the server and a worker process shut down this way. A process started with an IPC
 * channel (a worker under `npm start`) also stops when that channel closes: its parent is gone.
 */
export function stopOnSignals(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).stack ?? error}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handle('SIGINT'));
  process.on('SIGTERM', () => handle('SIGTERM'));
  if (process.channel) process.on('disconnect', () => handle('parent exited'));
}
