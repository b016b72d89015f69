import { describe, expect, it } from 'vitest';
import { validateGraph } from '../validate.ts';
import { graphOf } from './ascii-graph.ts';
import { memoryEngine } from './testing/memory-engine.ts';
import type { Script } from './testing/memory-ports.ts';

/*
 * Node settings through the real step runner on the in-memory ports (as engine-core.test.ts):
 * what a node's last failed attempt does (`onError`), and the retry policy a user gives an action.
 * Nodes answer what the script says per attempt (`fail`: retryable, `fail!`: not); `handled:<port>`
 * is a failure its settings handled, gone on by that port.
 */

const run = async (drawing: string, script: Script = {}) => {
  const engine = memoryEngine(script);
  const id = await engine.start(graphOf(drawing), { order: 7 });
  await engine.runJobs();
  const rowOf = (nodeId: string) => engine.store.rows(id).findLast((row) => row.nodeId === nodeId);
  return { engine, id, rowOf, ...(await engine.outcome(id)) };
};

const withSettings = (settings: object) => `
  start: trigger.manual
  call: action.http settings ${JSON.stringify(settings)}
  after: transform.set
  start -> call -> after
`;

// start ─▶ call ─main─▶ after
//            └─error─▶ alert
const ERROR_PORT = `
  start: trigger.manual
  call: action.http settings {"onError": "error-port"}
  after: transform.set
  alert: transform.set
  start -> call -> after
  call.error -> alert
`;

describe('onError', () => {
  it('stop (the default): the failure fails the run', async () => {
    const stopped = await run(withSettings({ onError: 'stop' }), { call: 'fail!' });
    expect(stopped.status).toBe('failed');
    expect(stopped.steps).toEqual({ start: 'ok', call: 'failed' });
    expect((await stopped.engine.store.getExecution(stopped.id))?.error).toEqual({
      nodeId: 'call',
      nodeName: 'Call',
      message: 'call failed',
    });
  });

  it('continue: the error becomes the output, by the first port, and the run succeeds', async () => {
    const { status, steps, rowOf } = await run(withSettings({ onError: 'continue' }), { call: 'fail!' });
    expect(status).toBe('succeeded');
    expect(steps).toEqual({ start: 'ok', call: 'handled:main', after: 'ok' });
    const call = rowOf('call');
    expect(call).toMatchObject({ status: 'failed', handled: true, port: 'main' });
    expect(call?.output).toEqual({ error: { name: 'NonRetryableError', message: 'call failed' } });
    expect(rowOf('after')?.input).toEqual({ error: { name: 'NonRetryableError', message: 'call failed' } });
  });

  it('error-port: leaves by `error` with { error, input }; the normal branch is skipped', async () => {
    const { status, steps, rowOf } = await run(ERROR_PORT, { call: 'fail!' });
    expect(status).toBe('succeeded');
    expect(steps).toEqual({ start: 'ok', call: 'handled:error', after: 'skipped', alert: 'ok' });
    expect(rowOf('alert')?.input).toEqual({
      error: { name: 'NonRetryableError', message: 'call failed' },
      input: { order: 7, start: 1 },
    });
  });

  it('error-port: a success leaves by its normal port and the error branch is skipped', async () => {
    const { status, steps } = await run(ERROR_PORT, { call: 'ok' });
    expect(status).toBe('succeeded');
    expect(steps).toEqual({ start: 'ok', call: 'ok', alert: 'skipped', after: 'ok' });
  });

  it('handles only the last attempt: retries come first', async () => {
    const { engine, steps } = await run(ERROR_PORT, { call: 'fail' });
    expect(steps).toEqual({ start: 'ok', call: 'handled:error attempt 4', after: 'skipped', alert: 'ok' });
    expect(engine.executor.calls).toEqual([
      'start',
      'call',
      'call attempt 2',
      'call attempt 3',
      'call attempt 4',
      'alert',
    ]);
  });

  it('a handled step publishes `failed`, marked handled, and the run still succeeds', async () => {
    const { engine } = await run(ERROR_PORT, { call: 'fail!' });
    const call = engine.events.published.find((event) => event.type === 'step' && event.nodeId === 'call');
    expect(call).toMatchObject({ status: 'failed', handled: true });
    expect(engine.events.published.at(-1)).toMatchObject({ type: 'run', status: 'succeeded' });
  });

  it('a retry that resumes keeps a handled step as it was: the run goes on from the failed step', async () => {
    // start ─▶ call ─error─▶ alert ─▶ last (fails the first run)
    const engine = memoryEngine({ call: 'fail!', last: 'fail, ok' });
    const id = await engine.start(
      graphOf(`
        start: trigger.manual
        call: action.http settings {"onError": "error-port"}
        alert: transform.set
        last: transform.set
        start -> call
        call.error -> alert -> last
      `),
    );
    await engine.runJobs();
    expect((await engine.outcome(id)).status).toBe('failed');
    const resumed = await engine.retry(id, 'from-failure');
    await engine.runJobs();
    expect(await engine.outcome(resumed.id)).toEqual({
      status: 'succeeded',
      steps: { start: 'ok', call: 'handled:error', alert: 'ok', last: 'ok' },
    });
    expect(engine.executor.calls).toEqual(['start', 'call', 'alert', 'last', 'last']);
  });
});

describe("a user's retry policy", () => {
  const retryAts = (rows: ReadonlyArray<{ nodeId: string; retryAt: string | null }>) =>
    rows.filter((row) => row.nodeId === 'call').map((row) => row.retryAt);

  it('overrides the type’s attempts: fixed backoff waits the same each time', async () => {
    const { engine, steps, rowOf, id } = await run(
      withSettings({ retry: { attempts: 3, backoff: 'fixed', delayMs: 5000 } }),
      { call: 'fail' },
    );
    expect(steps).toEqual({ start: 'ok', call: 'failed attempt 3' });
    expect(rowOf('call')?.retryAt).toBeNull();
    // The scripted executor's random is 0.5: jitter spreads around the base, so the wait is the base.
    const [first, second] = retryAts(engine.store.rows(id));
    expect(first).toBe('2030-01-01T00:00:05.000Z');
    expect(second).toBe('2030-01-01T00:00:10.000Z');
  });

  it('exponential backoff doubles each wait up to the maximum delay', async () => {
    const { engine, id, steps } = await run(
      withSettings({ retry: { attempts: 4, backoff: 'exponential', delayMs: 1000, maxDelayMs: 3000 } }),
      { call: 'fail' },
    );
    expect(steps).toEqual({ start: 'ok', call: 'failed attempt 4' });
    // Waits of 1 s, 2 s, then 3 s (4 s capped): each retry is due that long after the one before.
    expect(retryAts(engine.store.rows(id)).slice(0, 3)).toEqual([
      '2030-01-01T00:00:01.000Z',
      '2030-01-01T00:00:03.000Z',
      '2030-01-01T00:00:06.000Z',
    ]);
  });

  it('attempts: 1 never retries; a non-retryable error is not retried whatever the policy', async () => {
    expect((await run(withSettings({ retry: { attempts: 1 } }), { call: 'fail' })).steps).toEqual({
      start: 'ok',
      call: 'failed',
    });
    expect((await run(withSettings({ retry: { attempts: 5 } }), { call: 'fail!' })).steps).toEqual({
      start: 'ok',
      call: 'failed',
    });
  });
});

describe('settings a graph cannot run with (validation problems, naming node and field)', () => {
  const problemsOf = (drawing: string) =>
    validateGraph(graphOf(drawing)).map(({ code, nodeId, edgeId, field, message }) => ({
      code,
      at: nodeId ?? edgeId,
      field,
      message,
    }));

  it('an edge from `error` on a node that does not route errors there', () => {
    expect(
      problemsOf(`
        start: trigger.manual
        call: action.http
        alert: transform.set
        start -> call
        call.error -> alert
      `),
    ).toContainEqual({
      code: 'unknown_port',
      at: 'call-error-alert',
      field: 'sourcePort',
      message: '"Call" has no output "error" (it has "main"); set its error handling to "route to the error port"',
    });
  });

  it('retry settings on a node that is not an action', () => {
    expect(
      problemsOf(`
        start: trigger.manual
        a: transform.set settings {"retry": {"attempts": 3}}
        start -> a
      `),
    ).toEqual([
      {
        code: 'invalid_settings',
        at: 'a',
        field: 'settings.retry',
        message: 'A: retry settings apply only to actions; this is a transform node',
      },
    ]);
  });

  it('values out of the server’s bounds, and unknown modes', () => {
    expect(
      problemsOf(`
        start: trigger.manual
        call: action.http settings {"onError": "ignore", "retry": {"attempts": 50, "delayMs": -1}}
        start -> call
      `).map((problem) => [problem.field, problem.message]),
    ).toEqual([
      ['settings.onError', 'Call: onError must be one of stop, continue, error-port'],
      ['settings.retry.attempts', 'Call: retry.attempts must be at most 10'],
      ['settings.retry.delayMs', 'Call: retry.delayMs must be at least 0'],
    ]);
  });

  it('Stop and error cannot handle its own error', () => {
    expect(
      problemsOf(`
        start: trigger.manual
        stop: flow.stop settings {"onError": "continue"}
        start -> stop
      `),
    ).toEqual([
      {
        code: 'invalid_settings',
        at: 'stop',
        field: 'settings.onError',
        message: 'Stop: this node always fails the run; its error cannot be handled',
      },
    ]);
  });

  it('a graph with error ports, retries and defaults is valid', () => {
    expect(problemsOf(ERROR_PORT)).toEqual([]);
    expect(problemsOf(withSettings({ retry: { attempts: 2 } }))).toEqual([]);
  });
});
