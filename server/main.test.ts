import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './store/db.ts';
import { newId } from './store/ids.ts';
import { storeFile } from './testing/store.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `server/main.ts` as `npm start` does, and resolves with the URL it logs once listening. */
function start(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string }> {
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
      if (match?.[1]) resolve({ url: match[1], child, output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

// biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field, each asserted
type ApiAnswer = Record<string, any>;

/**
 * A fresh server has no user: the first request sets Stepwise up as the web app's setup page
 * would, and answers the session cookie to send from then on.
 */
async function setUp(url: string): Promise<string> {
  expect(await (await fetch(`${url}/api/v1/auth/state`)).json()).toEqual({ setupRequired: true });
  const response = await fetch(`${url}/api/v1/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', name: 'Admin', password: 'correct horse battery' }),
  });
  expect(response.status).toBe(201);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('setup set no cookie');
  return cookie;
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
    expect((await fetch(`${url}/api/v1/workflows`)).status).toBe(401);
    const cookie = await setUp(url);
    const post = (path: string, body: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
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
      const answer = await fetch(`${url}/api/v1/executions/${executionId}`, { headers: { cookie } });
      execution = (await answer.json()) as typeof execution;
      if (execution?.status === 'succeeded' || execution?.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(execution?.status).toBe('succeeded');
    expect(execution?.steps[0]?.output).toEqual({ hello: 'world' });
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    // A run went through, so every component is up: SQLite, PostgreSQL and the worker.
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as ApiAnswer).components).toMatchObject({
      sqlite: { state: 'up' },
      postgres: { state: 'up' },
      worker: { state: 'up' },
    });

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

  it('resumes a run after the whole server was killed with SIGKILL in the middle of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-restart-'));
    chmodSync(dir, 0o755);
    dirs.push(dir);
    const env = { PORT: '0', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info' };
    const first = await start(env);
    // The session lives in SQLite, so it outlasts the server that made it.
    const cookie = await setUp(first.url);
    const api = (url: string, path: string, body?: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', cookie },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then((response) => response.json() as Promise<ApiAnswer>);

    //   Start ──▶ Wait (2 s) ──▶ After
    const graph = {
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'wait',
          type: 'flow.delay',
          name: 'Wait',
          position: { x: 0, y: 100 },
          config: { amount: 2, unit: 'seconds' },
        },
        { id: 'after', type: 'transform.set', name: 'After', position: { x: 0, y: 200 }, config: {} },
      ],
      edges: [
        { id: 'e1', source: 'start', sourcePort: 'main', target: 'wait' },
        { id: 'e2', source: 'wait', sourcePort: 'main', target: 'after' },
      ],
    };
    const { id } = await api(first.url, '/workflows', { name: 'Survives restarts', graph });
    const { executionId } = await api(first.url, `/workflows/${id}/runs`, { draft: true });
    for (let attempt = 0; attempt < 200; attempt++) {
      const execution = await api(first.url, `/executions/${executionId}`);
      if (
        execution.steps.some(
          (step: { nodeId: string; status: string }) => step.nodeId === 'wait' && step.status === 'succeeded',
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // The worker is a child of the server; kill the server without warning.
    const workerPids = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(first.child.pid)])
      .toString()
      .split('\n')
      .filter((line) => line.includes('worker-main.ts'))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
    expect(workerPids.length).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    // Its worker notices (the IPC channel closes) and exits rather than lingering as an orphan.
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let waited = 0; waited < 15_000 && workerPids.some(alive); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(workerPids.filter(alive)).toEqual([]);

    // A new server on the same data dir takes over the left PostgreSQL and resumes the run.
    const second = await start(env);
    let execution: ApiAnswer = {};
    for (let attempt = 0; attempt < 300; attempt++) {
      execution = await api(second.url, `/executions/${executionId}`);
      if (execution.status !== 'running' && execution.status !== 'queued') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(execution.status).toBe('succeeded');
    expect(execution.steps.map((step: { nodeId: string; status: string }) => [step.nodeId, step.status])).toEqual([
      ['start', 'succeeded'],
      ['wait', 'succeeded'],
      ['after', 'succeeded'],
    ]);
    const exited = new Promise((resolve) => second.child.on('exit', resolve));
    second.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);

  it('listens before resuming a backlog of unfinished runs, then resumes them in batches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-backlog-'));
    chmodSync(dir, 0o755);
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const gate = join(dir, 'reconcile-may-begin');
    const env = { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', STEPWISE_TEST_RECONCILE_GATE: gate };
    const first = await start(env);
    const cookie = await setUp(first.url);
    const api = (url: string, path: string, body?: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', cookie },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const waitForEnd = async (url: string, executionId: string) => {
      let execution: ApiAnswer = {};
      for (let attempt = 0; attempt < 600; attempt++) {
        execution = (await (await api(url, `/executions/${executionId}`)).json()) as ApiAnswer;
        if (execution.status !== 'running' && execution.status !== 'queued') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return execution;
    };
    const { id } = (await (await api(first.url, '/workflows', { name: 'Backlog' })).json()) as ApiAnswer;
    const { executionId } = (await (
      await api(first.url, `/workflows/${id}/runs`, { draft: true })
    ).json()) as ApiAnswer;
    writeFileSync(gate, ''); // the first server resumes nothing; only the second one is held
    expect((await waitForEnd(first.url, executionId)).status).toBe('succeeded');
    const stopped = new Promise((resolve) => first.child.on('exit', resolve));
    first.child.kill('SIGTERM');
    expect(await stopped).toBe(0);
    rmSync(gate);

    // A backlog as a crash leaves it: 450 queued runs of which the queue knows nothing.
    const backlog = 450;
    const store = openStore(join(dataDir, 'stepwise.db'));
    const file = storeFile(store);
    file.transaction(() => {
      for (let n = 0; n < backlog; n++) {
        file.run(
          `insert into executions (id, workflow_id, version_id, graph, trigger, trigger_payload, status, created_at)
           select ?, workflow_id, version_id, graph, trigger, trigger_payload, 'queued', created_at
           from executions where id = ?`,
          newId(),
          executionId,
        );
      }
    });
    store.close();

    // The gate holds the reconcile back: the server must already answer, and take new runs.
    const second = await start(env);
    expect(second.output()).not.toContain('resuming unfinished runs');
    const health = await fetch(`${second.url}/healthz`);
    expect(health.status).toBe(200);
    const fresh = (await (await api(second.url, `/workflows/${id}/runs`, { draft: true })).json()) as ApiAnswer;
    expect(second.output()).not.toContain('resumed unfinished runs');

    writeFileSync(gate, '');
    for (let waited = 0; waited < 60_000 && !second.output().includes('resumed unfinished runs'); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = second
      .output()
      .split('\n')
      .filter((line) => line.includes('unfinished runs'))
      .map((line) => JSON.parse(line) as ApiAnswer);
    // One line per batch of 200, then the total: the run started meanwhile is not resumed twice.
    expect(lines.map((line) => [line.msg, line.executions])).toEqual([
      ['resuming unfinished runs', 200],
      ['resuming unfinished runs', 400],
      ['resuming unfinished runs', 450],
      ['resumed unfinished runs', 450],
    ]);
    expect((await waitForEnd(second.url, fresh.executionId)).status).toBe('succeeded');
    const exited = new Promise((resolve) => second.child.on('exit', resolve));
    second.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);

  it('restarts its embedded PostgreSQL after it was killed, says so once, and runs work again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-pg-killed-'));
    chmodSync(dir, 0o755);
    dirs.push(dir);
    const { url, child, output } = await start({ PORT: '0', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info' });
    const cookie = await setUp(url);
    const api = (path: string, body?: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', cookie },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    /** Starts a test run and answers its final status ('refused' when it could not even start). */
    const runOnce = async (workflowId: string) => {
      const started = await api(`/workflows/${workflowId}/runs`, { draft: true, payload: { n: 1 } });
      if (started.status !== 201) return 'refused';
      const { executionId } = (await started.json()) as ApiAnswer;
      // Up to 20 s: on a loaded machine the first run waits for the worker process to boot.
      for (let attempt = 0; attempt < 400; attempt++) {
        const execution = (await (await api(`/executions/${executionId}`)).json()) as ApiAnswer;
        if (execution.status !== 'running' && execution.status !== 'queued') return execution.status as string;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return 'stuck';
    };
    const { id } = (await (await api('/workflows', { name: 'Outlives PostgreSQL' })).json()) as ApiAnswer;
    expect(await runOnce(id)).toBe('succeeded');

    const ready = output()
      .split('\n')
      .find((line) => line.includes('embedded PostgreSQL is ready'));
    const clusterDir = (JSON.parse(ready ?? '{}') as ApiAnswer).clusterDir as string;
    const postmaster = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');

    // Within a bounded time a manual run succeeds again: no restart of Stepwise needed. (Alone it
    // takes well under a second; beside the whole suite on two cores it once took over 45 s.)
    const deadline = Date.now() + 90_000;
    let outcome = '';
    while (Date.now() < deadline && outcome !== 'succeeded') {
      outcome = await runOnce(id);
      if (outcome !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(outcome, `no run succeeded after the kill; the log ends:\n${output().slice(-4000)}`).toBe('succeeded');
    const ready2 = await fetch(`${url}/readyz`);
    expect(((await ready2.json()) as ApiAnswer).components.postgres).toEqual({ state: 'up' });
    const log = output();
    expect(log.match(/Stepwise is restarting it/g)).toHaveLength(1);
    expect(log).toContain('embedded PostgreSQL stopped unexpectedly (killed by SIGKILL); Stepwise is restarting it');
    expect(log.match(/embedded PostgreSQL restarted after stopping unexpectedly/g)).toHaveLength(1);
    // Its workers were started afresh on it (a worker's queue connections were seen to stall for good otherwise).
    expect(log).toContain('engine worker drained; starting it again');

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(clusterDir, 'postmaster.pid'))).toBe(false);
  }, 180_000);
});
