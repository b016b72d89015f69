import { spawn } from 'node:child_process';
import { createServer } from 'vite';

/**
 * `npm run dev`: the server as `npm start` runs it, plus Vite's dev server with hot reload on
 * http://127.0.0.1:5173, which proxies /api and /hooks to the server (see vite.config.ts).
 */
const server = spawn(process.execPath, ['--no-node-snapshot', 'server/main.ts'], { stdio: 'inherit' });
const vite = await createServer({ configFile: 'vite.config.ts' });
await vite.listen();
vite.printUrls();

const stop = async () => {
  await vite.close();
  server.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
server.once('exit', (code) => {
  void vite.close().then(() => process.exit(code ?? 0));
});
