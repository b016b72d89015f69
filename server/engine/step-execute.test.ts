import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../core/engine/compile.ts';
import type { StepResult } from '../core/engine/ports.ts';
import { ManualClock } from '../core/engine/testing/memory-ports.ts';
import type { Graph } from '../core/graph/model.ts';
import { SandboxPool } from '../sandbox/pool.ts';
import { edge, node, testHttpServer } from '../testing/engine.ts';
import { sendHttp } from './http.ts';
import { createStepExecutor } from './step-execute.ts';

/*
 * A step's times come from the engine's clock, not the wall: a delay's `continueAt` and a retry's
 * `retryAt` count from the clock's now, so with a clock that moves only when told they are exact.
 * The HTTP server answers `/status/<code>` with that status (a 429 asks for 7 s).
 */
const NOW = '2030-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();

let sandbox: SandboxPool;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  sandbox = new SandboxPool();
  http = await testHttpServer((request, response) => {
    const status = Number(/^\/status\/(\d{3})$/.exec(request.url)?.[1] ?? 200);
    response.writeHead(status, status === 429 ? { 'retry-after': '7' } : {});
    response.end(`answer ${status}`);
  });
});
afterAll(async () => {
  sandbox?.dispose();
  await http?.close();
});

/** Runs attempt `attempt` of the graph's `target` node with a clock stopped at NOW. */
function execute(graph: Graph, target: string, attempt = 1, random = () => 0.5): Promise<StepResult> {
  const compiled = compileGraph(graph);
  const step = compiled.nodes.get(target);
  if (!step) throw new Error(`no node ${target}`);
  const executeStep = createStepExecutor({
    runs: { stepOutputs: async () => new Map() },
    sandbox,
    http: (request, signal) => sendHttp(request, signal),
    log: pino({ level: 'silent' }),
    clock: new ManualClock(NOW),
    random,
  });
  const run = {
    id: 'run-1',
    workflowId: 'wf-1',
    versionId: 'v-1',
    status: 'running',
    triggerPayload: {},
    retryChain: null,
    vars: null,
  } as const;
  return executeStep({
    graph: compiled,
    node: step,
    input: { order: 7 },
    run,
    step: { executionId: run.id, nodeId: target, scope: '', attempt },
    signal: undefined,
  });
}

//  Start ──▶ Call (`url`)
const calling = (url: string): Graph => ({
  nodes: [node('start', 'trigger.manual', 'Start'), node('call', 'action.http', 'Call', { url })],
  edges: [edge('start', 'call')],
});

describe('a step’s times, from the engine’s clock', () => {
  it('schedules what follows a delay exactly its length after now', async () => {
    //  Start ──▶ Wait (90 s)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('wait', 'flow.delay', 'Wait', { amount: 90, unit: 'seconds' }),
      ],
      edges: [edge('start', 'wait')],
    };
    expect(await execute(graph, 'wait')).toEqual({
      status: 'succeeded',
      output: { order: 7 },
      port: 'main',
      continueAt: at(90_000),
    });
  });

  it('retries by the node’s backoff from now: 1 s then 2 s at the middle of the jitter, 750 ms at its low end', async () => {
    const failing = calling(`${http.url}/status/500`);
    expect(await execute(failing, 'call', 1)).toMatchObject({ status: 'failed', retryAt: at(1000) });
    expect(await execute(failing, 'call', 2)).toMatchObject({ status: 'failed', retryAt: at(2000) });
    expect(await execute(failing, 'call', 1, () => 0)).toMatchObject({ status: 'failed', retryAt: at(750) });
  });

  it('retries a 429 when its Retry-After says, whatever the backoff', async () => {
    expect(await execute(calling(`${http.url}/status/429`), 'call')).toMatchObject({
      status: 'failed',
      retryAt: at(7000),
    });
  });

  it('schedules no retry once the attempts are used up, nor for a final error', async () => {
    const last = await execute(calling(`${http.url}/status/500`), 'call', 4);
    expect(last).toMatchObject({ status: 'failed', error: { retryable: false } });
    expect(last).not.toHaveProperty('retryAt');
    const final = await execute(calling(`${http.url}/status/404`), 'call');
    expect(final).toMatchObject({ status: 'failed', error: { retryable: false } });
    expect(final).not.toHaveProperty('retryAt');
  });
});

describe('a loop step and its body', () => {
  //  Start ──▶ Each (loop over trigger.list) ══body══▶ [ Tag ] ──▶ Each
  const graph = compileGraph({
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('each', 'flow.loop', 'Each', { items: '{{ trigger.list }}', maxItems: 50 }),
      {
        ...node('tag', 'transform.set', 'Tag', { fields: [{ path: 'tag', value: '{{ item.n }}@{{ index }}' }] }),
        parentId: 'each',
      },
    ],
    edges: [edge('start', 'each'), edge('each', 'tag', 'body'), edge('tag', 'each')],
  });
  const executeWith = (loopMaxItems: number | undefined, nodeId: string, list: unknown[], extra = {}) =>
    createStepExecutor({
      runs: { stepOutputs: async () => new Map() },
      sandbox,
      http: (request, signal) => sendHttp(request, signal),
      log: pino({ level: 'silent' }),
      clock: new ManualClock(NOW),
      ...(loopMaxItems !== undefined ? { loopMaxItems } : {}),
    })({
      graph,
      node: graph.nodes.get(nodeId) as NonNullable<ReturnType<typeof graph.nodes.get>>,
      input: {},
      run: {
        id: 'run-1',
        workflowId: 'wf-1',
        versionId: 'v-1',
        status: 'running',
        triggerPayload: { list },
        retryChain: null,
        vars: null,
      },
      step: { executionId: 'run-1', nodeId, scope: nodeId === 'each' ? '' : '4', attempt: 1 },
      signal: undefined,
      ...extra,
    });

  it('answers its list by port body', async () => {
    expect(await executeWith(undefined, 'each', [1, 2])).toEqual({ status: 'succeeded', output: [1, 2], port: 'body' });
  });

  it('refuses a list over the server-wide ceiling (LOOP_MAX_ITEMS), below its own maximum, naming both', async () => {
    const refused = await executeWith(3, 'each', [1, 2, 3, 4]);
    expect(refused).toMatchObject({
      status: 'failed',
      error: {
        retryable: false,
        message: "config.items: the list has 4 items, more than this server's maximum of 3 (LOOP_MAX_ITEMS)",
      },
    });
    // Its own maximum (50) is checked by the node, whatever the ceiling.
    expect(
      await executeWith(
        undefined,
        'each',
        Array.from({ length: 51 }, () => 0),
      ),
    ).toMatchObject({
      status: 'failed',
      error: { message: "config.items: the list has 51 items, more than this loop's maximum of 50" },
    });
  });

  it('gives a body node its iteration’s item and index in expressions', async () => {
    expect(await executeWith(undefined, 'tag', [], { iteration: { item: { n: 'x' }, index: 4 } })).toEqual({
      status: 'succeeded',
      output: { tag: 'x@4' },
      port: 'main',
    });
  });
});
