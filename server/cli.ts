#!/usr/bin/env -S node --no-node-snapshot
/**
 * `stepwise start` (the default) runs the server with its workers; `stepwise worker` runs one
 * more engine worker process against the same queue and SQLite file.
 */
import { startServer } from './main.ts';
import { runWorkerProcess } from './worker-main.ts';

const command = process.argv[2] ?? 'start';
const commands: Record<string, () => Promise<void>> = { start: startServer, worker: runWorkerProcess };
const run = commands[command];
if (!run) {
  process.stderr.write(`unknown command "${command}"; use: stepwise [start|worker]\n`);
  process.exit(2);
}
run().catch((error: unknown) => {
  process.stderr.write(`stepwise ${command} failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
