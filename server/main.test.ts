import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `server/main.ts` as `npm start` does, and resolves with the URL it logs once listening. */
function start(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--no-node-snapshot', 'server/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/"url":"(http:\/\/[^"]+)"/);
      if (match?.[1]) resolve({ url: match[1], child });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

describe('npm start', () => {
  it('creates the data dir, SQLite file and embedded PostgreSQL, runs a workflow in its worker, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-start-'));
    chmodSync(dir, 0o755); // reachable by the postgres OS user when the tests run as root
    dirs.push(dir);
    const dataDir = join(dir, 'fresh');
    const { url, child } = await start({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(dataDir, 'stepwise.db'))).toBe(true);

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const post = (path: string, body: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post('/workflows', { name: 'Over real HTTP' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const started = await post(`/workflows/${id}/runs`, { draft: true, payload: { hello: 'world' } });
    expect(started.status).toBe(201);
    const { executionId } = (await started.json()) as { executionId: string };
    let execution: { status: string; steps: Array<{ output: unknown }> } | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      execution = (await (await fetch(`${url}/api/v1/executions/${executionId}`)).json()) as typeof execution;
      if (execution?.status === 'succeeded' || execution?.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(execution?.status).toBe('succeeded');
    expect(execution?.steps[0]?.output).toEqual({ hello: 'world' });
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false); // PostgreSQL stopped too
  }, 60_000);

  it('refuses to start with a bad variable, naming it', async () => {
    const child = spawn(process.execPath, ['--no-node-snapshot', 'server/main.ts'], {
      env: { ...process.env, PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT="not-a-port"');
  });
});
