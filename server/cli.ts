#!/usr/bin/env -S node --no-node-snapshot
/**
 * `stepwise start` (the default) runs the server with its workers; `stepwise worker` runs one
 * more engine worker process against the same queue and SQLite file; `stepwise user create` and
 * `stepwise rotate-master-key` administer the data dir. Commands load only what they use.
 */
import { loadModulesQuickly } from './processes/module-loading.ts';

loadModulesQuickly();
const [command = 'start', ...args] = process.argv.slice(2);
const commands: Record<string, () => Promise<void>> = {
  start: async () => (await import('./server-process.ts')).startServer(),
  worker: async () => (await import('./worker-process.ts')).runWorkerProcess(),
  user: async () => {
    if (args[0] !== 'create') throw new Error('use: stepwise user create --email E --name N [--role R]');
    await (await import('./cli/user-create.ts')).userCreate(args.slice(1));
  },
  'rotate-master-key': async () => (await import('./cli/rotate-master-key.ts')).rotateMasterKey(),
};
const run = commands[command];
if (!run) {
  process.stderr.write(`unknown command "${command}"; use: stepwise [start|worker|user create|rotate-master-key]\n`);
  process.exit(2);
}
run().catch((error: unknown) => {
  // Administration commands fail with a message for the person typing; the server with a stack.
  const detail = command === 'start' || command === 'worker' ? (error as Error).stack : (error as Error).message;
  process.stderr.write(`stepwise ${command} failed: ${detail ?? error}\n`);
  process.exit(1);
});
