/**
 * Workspace variables in runs, through real PostgreSQL (graphile-worker), SQLite, isolated-vm and
 * HTTP on 127.0.0.1: a run reads the variables once, when it is created (invariant "variables
 * read once"), so an admin's change mid-run reaches no step of it; a retry from the failed step
 * keeps the values the run read, a fresh run reads today's; scripts see `vars` too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { publishVersion } from '../store/publications.ts';
import { insertVariable, listVariables, updateVariable } from '../store/variables.ts';
import {
  byNode,
  edge,
  executionNow,
  node,
  stepRunsNow,
  testEngine,
  testHttpServer,
  waitUntil,
} from '../testing/engine.ts';
import { retryRun, startRun } from './runs.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
/** While true, `/flaky` answers 404 (a step that fails until the far end recovers). */
let down = true;

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  http = await testHttpServer((_request, response) => {
    response.writeHead(down ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: !down }));
  });
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

/** Sets a variable to `value`, adding it the first time. */
function setVariable(name: string, value: string): void {
  const { db } = engine.store;
  const existing = listVariables(db).find((variable) => variable.name === name);
  if (existing) updateVariable(db, existing.id, { value });
  else insertVariable(db, { name, value });
}

const region = (id: string, name: string) =>
  node(id, 'transform.set', name, { fields: [{ path: 'region', value: '{{ vars.REGION }}' }], keepInput: false });

//  Start ──▶ Before (set: vars.REGION) ──▶ Pause (wait 2 s) ──▶ After (set: vars.REGION) ──▶ Script (vars)
const paused: Graph = {
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    region('before', 'Before'),
    node('pause', 'flow.wait', 'Pause', { mode: 'duration', amount: 2, unit: 'seconds' }),
    region('after', 'After'),
    node('script', 'transform.script', 'Script', {
      code: 'return { region: vars.REGION, missing: vars.NOPE === undefined, names: Object.keys(vars) };',
    }),
  ],
  edges: [edge('start', 'before'), edge('before', 'pause'), edge('pause', 'after'), edge('after', 'script')],
};

//  Start ──▶ Call (HTTP, fails while the far end is down) ──▶ After (set: vars.REGION)
const flaky = (): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('call', 'action.http', 'Call', { url: `${http.url}/flaky` }),
    region('after', 'After'),
  ],
  edges: [edge('start', 'call'), edge('call', 'after')],
});

describe('workspace variables in a run', () => {
  it('are read once, when the run is created: a change mid-run reaches none of its steps', async () => {
    setVariable('REGION', 'eu');
    const run = await engine.run(paused);
    expect(run.vars).toEqual({ REGION: 'eu' });
    await waitUntil('the run waits at Pause', () => executionNow(engine.store, run.id)?.status === 'waiting');
    // The admin changes it while the run waits, before After has run.
    setVariable('REGION', 'us');
    expect(stepRunsNow(engine.store, run.id).map((step) => step.nodeId)).not.toContain('after');

    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('succeeded');
    const step = byNode(steps);
    expect(step.before?.output).toEqual({ region: 'eu' });
    expect(step.after?.output).toEqual({ region: 'eu' });
    expect(step.script?.output).toEqual({ region: 'eu', missing: true, names: ['REGION'] });
    expect(execution.vars).toEqual({ REGION: 'eu' });

    // A run started now reads the new value.
    const next = await engine.run(paused);
    expect(next.vars).toEqual({ REGION: 'us' });
  });

  it('a retry from the failed step keeps the values the run read; a fresh retry reads today’s', async () => {
    setVariable('REGION', 'eu');
    down = true;
    const { workflow, version } = engine.workflow(flaky());
    publishVersion(engine.store.db, { workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
    const original = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    expect((await engine.finished(original.id)).execution.status).toBe('failed');

    setVariable('REGION', 'us');
    down = false;
    const resumed = await retryRun(engine.runs, original.id, 'from-failure');
    const retried = await engine.finished(resumed.id);
    expect(retried.execution.status).toBe('succeeded');
    expect(retried.execution.vars).toEqual({ REGION: 'eu' });
    expect(byNode(retried.steps).after?.output).toEqual({ region: 'eu' });

    // Another failed run, retried afresh after another change: the new run reads the value of now.
    down = true;
    const second = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    expect((await engine.finished(second.id)).execution.vars).toEqual({ REGION: 'us' });
    setVariable('REGION', 'asia');
    down = false;
    const freshRun = await retryRun(engine.runs, second.id, 'fresh');
    const freshly = await engine.finished(freshRun.id);
    expect(freshly.execution.vars).toEqual({ REGION: 'asia' });
    expect(byNode(freshly.steps).after?.output).toEqual({ region: 'asia' });
  });
});
