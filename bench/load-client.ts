import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * An HTTP load generator in a process of its own, as autocannon would be: clients on the same
 * event loop as the server under test would take their CPU from that loop and understate it.
 * Keep-alive connections, one per client, each sending its next request as soon as the previous
 * answer has been read.
 */

export interface LoadSpec {
  readonly url: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface LoadResult {
  /** Milliseconds from sending each request to having read its whole answer. */
  readonly latencies: number[];
  /** Answers by status code; status 0 counts requests that failed without an answer. */
  readonly statuses: Record<number, number>;
  readonly seconds: number;
}

const SELF = fileURLToPath(import.meta.url);

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    child.once('message', (message) => {
      result = message as LoadResult;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the load client exited with ${code} before reporting`));
    });
    child.send(spec);
  });
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const headers = { ...spec.headers, 'content-length': String(Buffer.byteLength(spec.body)) };
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const once = () =>
    new Promise<number>((done) => {
      const sent = request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          agent,
          headers,
        },
        (response) => {
          response.resume();
          response.once('end', () => done(response.statusCode ?? 0));
          response.once('error', () => done(0));
        },
      );
      sent.once('error', () => done(0));
      sent.end(spec.body);
    });
  const deadline = performance.now() + spec.seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const status = await once();
      latencies.push(performance.now() - started);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: spec.concurrency }, client));
  const seconds = (performance.now() - began) / 1000;
  agent.destroy();
  return { latencies, statuses, seconds };
}

// Forked by runLoad: take the spec, generate the load, report, leave.
if (process.send && process.argv[1] === SELF) {
  process.once('message', (spec) => {
    void generate(spec as LoadSpec).then((result) => process.send?.(result, () => process.exit(0)));
  });
}
