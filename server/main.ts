/**
 * `npm start`'s entry: makes module loading cheap (processes/module-loading.ts says why that must
 * come before any other import), then starts the server (server-process.ts).
 */
import { loadModulesQuickly } from './processes/module-loading.ts';

loadModulesQuickly();
const { startServer } = await import('./server-process.ts');
startServer().catch((error: unknown) => {
  process.stderr.write(`Stepwise failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
