import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The example node pack (examples/node-pack/), loaded by every e2e server as an operator's
 * NODE_PACKS would be, so specs can find its nodes in the palette. Its types use no word the
 * palette-search spec counts matches of ("http", "trigger web").
 */
const EXAMPLE_PACK = fileURLToPath(new URL('../examples/node-pack', import.meta.url));

export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts Stepwise as `npm start` does, on a free port with a fresh data dir and the example node
 * pack (`NODE_PACKS: ''` in `env` leaves it out), and resolves once it logs its URL. e2e specs reach it only through the browser and HTTP.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  chmodSync(dir, 0o755); // the embedded PostgreSQL's OS user must reach it when running as root
  const child: ChildProcess = spawn(process.execPath, ['--no-node-snapshot', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
      NODE_PACKS: EXAMPLE_PACK,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/"url":"(http:\/\/[^"]+)"/);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Stepwise exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
