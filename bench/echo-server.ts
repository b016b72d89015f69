import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * The outside API a workflow's HTTP step calls, answering `{"ok":true}` to everything. It runs in
 * a process of its own: the bench process plays the API process, and this server's CPU must not be
 * counted as the API's.
 */

const SELF = fileURLToPath(import.meta.url);

export interface EchoServer {
  readonly url: string;
  close(): void;
}

/** `delayMs`: how long it takes to answer each request (a slow outside API). */
export function startEchoServer(options: { delayMs?: number } = {}): Promise<EchoServer> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, [String(options.delayMs ?? 0)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the echo server exited with ${code} before listening`)));
    child.once('message', (port) => resolve({ url: `http://127.0.0.1:${port}`, close: () => child.kill() }));
  });
}

// Forked by startEchoServer: listen, say on which port, leave with the parent.
if (process.send && process.argv[1] === SELF) {
  const delayMs = Number(process.argv[2] ?? 0);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.once('disconnect', () => process.exit(0));
}
