import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../core/engine/events.ts';
import type { Graph } from '../core/graph/model.ts';
import { edge, node, testEngine, testHttpServer } from '../testing/engine.ts';
import { EventHub } from './event-hub.ts';
import { startRun } from './runs.ts';

/**
 * What live views hear of a run, through PostgreSQL NOTIFY as the API process hears it. `/slow`
 * answers after 400 ms, long enough for its step to be seen running.
 */
let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
let hub: EventHub;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  hub = new EventHub(engine.databaseUrl, engine.log);
  await hub.start();
  http = await testHttpServer((_, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"slow":true}');
    }, 400);
  });
});
afterAll(async () => {
  await hub?.close();
  await engine?.close();
  await http?.close();
});

describe('live events of a run', () => {
  it('announce a step as running only when it runs long enough to be seen, and arrive in order', async () => {
    //  Start ──▶ Tidy (set, quick) ──▶ Call (http, 400 ms) ──▶ Done (set, quick)
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('tidy', 'transform.set', 'Tidy', { fields: [{ path: 'n', value: '{{ 1 + 1 }}' }] }),
        node('call', 'action.http', 'Call', { method: 'GET', url: `${http.url}/slow` }),
        node('done', 'transform.set', 'Done', { fields: [{ path: 'ok', value: 'yes' }] }),
      ],
      edges: [edge('start', 'tidy'), edge('tidy', 'call'), edge('call', 'done')],
    };
    const { workflow, version } = engine.workflow(graph);
    const heard: EngineEvent[] = [];
    const ended = new Promise<void>((resolve) => {
      const unsubscribe = hub.subscribeAll((event) => {
        heard.push(event);
        if (event.type === 'run' && event.status === 'succeeded') {
          unsubscribe();
          resolve();
        }
      });
    });
    const execution = await startRun(engine.runs, {
      workflowId: workflow.id,
      versionId: version.id,
      trigger: 'manual',
      payload: {},
    });
    await ended;
    const mine = heard.filter((event) => event.executionId === execution.id);
    const stepStatuses = (nodeId: string) =>
      mine.flatMap((event) => (event.type === 'step' && event.nodeId === nodeId ? [event.status] : []));

    expect(stepStatuses('call')).toEqual(['running', 'succeeded']);
    expect(stepStatuses('tidy')).toEqual(['succeeded']);
    expect(stepStatuses('done')).toEqual(['succeeded']);
    // In the order things happened: each step's end before the next step's first event.
    const order = mine.flatMap((event) => (event.type === 'step' ? [`${event.nodeId}:${event.status}`] : []));
    expect(order.slice(order.indexOf('tidy:succeeded'))).toEqual([
      'tidy:succeeded',
      'call:running',
      'call:succeeded',
      'done:succeeded',
    ]);
    expect(mine.at(-1)).toMatchObject({ type: 'run', status: 'succeeded' });
  });
});
