import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, spawnWorkerProcess, testEngine, testHttpServer } from '../testing/engine.ts';
import { installNodePacks, loadNodePacks } from './load.ts';

/*
 * A workflow using the example pack's nodes (examples/node-pack/) run on the real engine by a real
 * worker process that loaded the pack from NODE_PACKS, as `npm start`'s workers do: expressions in
 * the pack's config run in that worker's sandbox, and its credential type authenticates the call.
 */

const repository = resolve(import.meta.dirname, '../..');
const PACK_DIR = join(repository, 'examples/node-pack');
const KEY = 'jk-secret-4471';

let engine: Awaited<ReturnType<typeof testEngine>>;
let jokes: Awaited<ReturnType<typeof testHttpServer>>;
let worker: ChildProcess & { output(): string };
beforeAll(async () => {
  // This process starts the runs, as the API process does: it compiles their graphs, so it has the pack too.
  installNodePacks(await loadNodePacks([PACK_DIR], repository));
  engine = await testEngine();
  jokes = await testHttpServer((request, response) => {
    if (request.url === '/gone') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    // A careless service that echoes the key it was sent: the run must not keep it.
    response.end(
      JSON.stringify({ setup: 'Why did the key cross the road?', punchline: `To be ${request.headers['x-api-key']}` }),
    );
  });
  // No worker in this process: every step runs in the spawned one, which has only NODE_PACKS to go by.
  worker = await spawnWorkerProcess(engine, 2, { NODE_PACKS: PACK_DIR });
}, 60_000);
afterAll(async () => {
  worker?.kill('SIGKILL');
  await jokes?.close();
  await engine?.close();
});

/**
 *   Start ──▶ Shout (Text case) ──▶ Joke (Random joke, with the key)
 */
const graph = (text: string, credentialId: string, path = '/random'): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('shout', 'transform.example.textCase', 'Shout', { text, case: 'upper', field: 'shouted' }),
    node('joke', 'action.example.randomJoke', 'Joke', { url: `${jokes.url}${path}`, credentialId }),
  ],
  edges: [edge('start', 'shout'), edge('shout', 'joke')],
});

describe('a workflow with pack nodes', () => {
  it('runs end to end in a worker process that loaded the pack', async () => {
    expect(worker.output()).toContain('node packs loaded');
    const credential = await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Joke key',
      type: 'example.jokeApiKey',
      secret: { key: KEY },
      allowedTargets: [jokes.url],
    });
    const run = await engine.run(graph('{{ input.name }} says {{ typeof process }}', credential.id), { name: 'ada' });
    const { execution, steps } = await engine.finished(run.id, 30_000);
    expect(execution.status, JSON.stringify(steps)).toBe('succeeded');
    const outputs = byNode(steps);
    // The expression ran in the sandbox: no `process` there, whatever the worker's own realm has.
    expect(outputs.shout?.output).toEqual({ name: 'ada', shouted: 'ADA SAYS UNDEFINED' });
    expect(outputs.joke?.output).toEqual({
      text: 'Why did the key cross the road? To be ••••••',
      setup: 'Why did the key cross the road?',
      punchline: 'To be ••••••',
    });
    // The worker added the pack credential's header; the run's stored data never holds the key.
    expect(jokes.requests.at(-1)?.headers['x-api-key']).toBe(KEY);
    expect(JSON.stringify(steps)).not.toContain(KEY);
  });

  it('fails a pack node’s step as the node says: its 4xx error is not retried, and names the node', async () => {
    const credential = await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Joke key for a gone service',
      type: 'example.jokeApiKey',
      secret: { key: KEY },
      allowedTargets: [jokes.url],
    });
    const run = await engine.run(graph('{{ input.name }}', credential.id, '/gone'), { name: 'grace' });
    const { execution, steps } = await engine.finished(run.id, 30_000);
    expect(execution.status).toBe('failed');
    expect(byNode(steps).shout?.output).toEqual({ name: 'grace', shouted: 'GRACE' });
    // The pack threw the SDK's NonRetryableError: the engine knows it as its own, so one attempt only.
    const attempts = steps.filter((step) => step.nodeId === 'joke');
    expect(attempts.map((step) => step.status)).toEqual(['failed']);
    expect(JSON.stringify(attempts[0]?.error)).toContain('the joke service refused the request (404)');
    expect(JSON.stringify(execution.error)).toContain('Joke');
  });
});

describe('a pack that fails to load', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs an entry file with `NODE_PACKS` set until it exits; its exit code and output. */
  const exitOf = (entry: string, env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((done) => {
      const dir = mkdtempSync(join(tmpdir(), 'stepwise-bad-pack-'));
      dirs.push(dir);
      const child = spawn(process.execPath, ['--no-node-snapshot', join(repository, entry)], {
        cwd: repository,
        env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.on('exit', (code) => done({ code, output }));
    });

  it('stops a worker at start, naming the pack, before it takes any step', async () => {
    const { code, output } = await exitOf('server/worker-main.ts', {
      NODE_PACKS: './examples/no-such-pack',
      DATABASE_URL: engine.databaseUrl,
    });
    expect(code).toBe(1);
    expect(output).toContain(
      `Node pack "./examples/no-such-pack" (NODE_PACKS) was not found: ${join(repository, 'examples/no-such-pack')} is not a folder`,
    );
    expect(output).not.toContain('engine worker started');
  });

  it('stops the server at start, naming the pack, before PostgreSQL or any worker starts', async () => {
    const { code, output } = await exitOf('server/main.ts', { NODE_PACKS: 'stepwise-pack-not-installed' });
    expect(code).toBe(1);
    expect(output).toContain(
      'Node pack "stepwise-pack-not-installed" (NODE_PACKS) was not found: no npm package "stepwise-pack-not-installed" is installed',
    );
    expect(output).not.toMatch(/postgres|listening/i);
  });
});
