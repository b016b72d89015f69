import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import {
  edge,
  node,
  spawnWorkerProcess,
  stepRunsNow,
  testEngine,
  testHttpServer,
  waitUntil,
} from '../testing/engine.ts';
import { startRun } from './runs.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let slow: Awaited<ReturnType<typeof testHttpServer>>;
const workers: ChildProcess[] = [];

async function spawnWorker(): Promise<Awaited<ReturnType<typeof spawnWorkerProcess>>> {
  const child = await spawnWorkerProcess(engine);
  workers.push(child);
  return child;
}

beforeAll(async () => {
  engine = await testEngine();
  slow = await testHttpServer((_, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"done":true}');
    }, 1500);
  });
});

afterAll(async () => {
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await engine?.close();
  await slow?.close();
});

/**
 *   Start ──▶ Call (answers after 1.5 s) ──▶ Done
 */
const graph = (): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { url: `${slow.url}/slow`, timeoutMs: 20_000 }),
    node('done', 'transform.set', 'Done', { fields: [{ path: 'finished', value: 'yes' }] }),
  ],
  edges: [edge('start', 'call'), edge('call', 'done')],
});

describe('a worker killed in the middle of a step', () => {
  it('has its steps taken over by another worker once its heartbeats stop, none recorded twice', async () => {
    const first = await spawnWorker();
    const { workflow, version } = engine.workflow(graph());
    const executions = await Promise.all(
      Array.from({ length: 4 }, () =>
        startRun(engine.runs, { workflowId: workflow.id, versionId: version.id, trigger: 'manual', payload: {} }),
      ),
    );
    // Wait until the first worker is inside the slow calls, then kill it without warning.
    await waitUntil('the calls are running', () =>
      executions.every((execution) =>
        stepRunsNow(engine.store, execution.id).some((step) => step.nodeId === 'call' && step.status === 'running'),
      ),
    );
    const victim = stepRunsNow(engine.store, executions[0]?.id as string).find((step) => step.nodeId === 'call');
    expect(victim?.workerId?.split(':')[1]).toBe(String(first.pid));
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    // graphile-worker alone would leave the dead worker's jobs locked for 4 hours: the runs end
    // within the test because the second worker released them, as it says.
    const second = await spawnWorker();
    for (const execution of executions) {
      const { execution: done } = await engine.finished(execution.id, 45_000);
      expect(done.status).toBe('succeeded');
    }
    expect(second.output()).toContain('released the jobs of workers that stopped');

    for (const execution of executions) {
      const steps = stepRunsNow(engine.store, execution.id);
      // One attempt per node, each stored once, and the call finished by the second worker.
      expect(steps.map((step) => [step.nodeId, step.attempt, step.status])).toEqual([
        ['start', 1, 'succeeded'],
        ['call', 1, 'succeeded'],
        ['done', 1, 'succeeded'],
      ]);
      expect(steps.find((step) => step.nodeId === 'call')?.workerId?.split(':')[1]).toBe(String(second.pid));
    }
  }, 90_000);
});
