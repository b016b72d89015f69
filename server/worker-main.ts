/**
 * An engine worker process's entry (`npm start` spawns it, `npm run worker` runs one more): makes
 * module loading cheap (processes/module-loading.ts says why that must come before any other
 * import), then runs the worker (worker-process.ts).
 */
import { loadModulesQuickly } from './processes/module-loading.ts';

loadModulesQuickly();
const { runWorkerProcess } = await import('./worker-process.ts');
const { QUEUE_URL_FROM_PARENT } = await import('./processes/queue-handoff.ts');
runWorkerProcess({ queueUrlFromParent: process.argv.includes(QUEUE_URL_FROM_PARENT) }).catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
