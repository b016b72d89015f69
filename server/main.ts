import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { openStore } from './store/db.ts';

/** Composition root: configuration, store, HTTP server. `npm start` runs this file. */
function main(): void {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const store = openStore(config.sqliteFile);
  const app = createApp({ store, log, config });

  const server: ServerType = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info({ url: `http://${config.host}:${info.port}`, dataDir: config.dataDir }, 'Stepwise is listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close(() => {
      store.close();
      process.exit(0);
    });
    // Keep-alive connections may hold the server open; do not wait on them for ever.
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main();
