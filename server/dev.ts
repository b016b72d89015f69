import { spawn } from 'node:child_process';
import { createServer } from 'vite';

/**
 * `npm run dev`: the server as `npm start` runs it, plus Vite's dev server with hot reload on
 * http://127.0.0.1:5173, which proxies /api and /hooks to the server (see vite.config.ts).
 */
const server = spawn(process.execPath, ['--no-node-snapshot', 'server/main.ts'], { stdio: 'inherit' });
// Whatever ends this process, the server (and its PostgreSQL) must not outlive it.
process.once('exit', () => server.kill('SIGTERM'));

const vite = await createServer({ configFile: 'vite.config.ts' });
await vite.listen();
vite.printUrls();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await Promise.all([vite.close(), exited]);
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
server.once('exit', (code) => {
  if (!stopping) void vite.close().then(() => process.exit(code ?? 0));
});
