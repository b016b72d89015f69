import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../core/engine/events.ts';
import { ManualClock } from '../../core/engine/testing/memory-ports.ts';
import { EventHub } from '../../engine/event-hub.ts';
import { cancelRun, startRun } from '../../engine/runs.ts';
import { createRunService } from '../../runs/service.ts';
import { type TestApi, testApi } from '../../testing/api.ts';
import { edge, node, testEngine, waitUntil } from '../../testing/engine.ts';
import { COALESCE_MS, MAX_NAMED_RUNS, type RunChanges } from './run-events.ts';

/** The real hub, counting who listens to everything, so a test sees a closed stream let go. */
class CountingHub extends EventHub {
  listening = 0;
  override subscribeAll(listener: (event: EngineEvent) => void): () => void {
    this.listening++;
    const unsubscribe = super.subscribeAll(listener);
    return () => {
      this.listening--;
      unsubscribe();
    };
  }
}

/** A hub the test speaks through: events arrive exactly when and as fast as the test says. */
class ScriptedHub extends EventHub {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  override subscribeAll(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

let engine: Awaited<ReturnType<typeof testEngine>>;
let hub: CountingHub;
let scripted: ScriptedHub;
let api: TestApi;
let scriptedApi: TestApi;
/** The scripted stream's clock: its windows and heartbeats end only when the test moves it. */
const clock = new ManualClock();
const later = (ms: number) => clock.advanceTo(new Date(clock.nowMs() + ms).toISOString());

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  hub = new CountingHub(engine.databaseUrl, engine.log);
  await hub.start();
  scripted = new ScriptedHub(engine.databaseUrl, engine.log); // never started: it has no connection
  api = testApi({ store: engine.store, runs: createRunService(engine.runs, hub) });
  scriptedApi = testApi({ store: engine.store, runs: createRunService(engine.runs, scripted), clock });
});
afterAll(async () => {
  await hub?.close();
  await engine?.close();
});

interface Heard {
  readonly type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect event data field by field
  readonly data: any;
}

/** Opens the stream and reads it as a browser would, event by event, as they arrive. */
async function openStream(target: TestApi, authorization: string) {
  const response = await target.app.request('/api/v1/events/runs', { headers: { authorization } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const heard: Heard[] = [];
  let text = '';
  const ended = (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type && data !== undefined) heard.push({ type, data: JSON.parse(data) });
      }
    }
  })();
  const until = async (what: string, done: () => boolean) => {
    await waitUntil(what, done, 15_000);
  };
  await until('the stream is ready', () => heard.some((event) => event.type === 'ready'));
  return { heard, ended, until, close: () => reader.cancel() };
}

/** The latest status heard of each execution. */
const latest = (heard: readonly Heard[]) => {
  const statuses = new Map<string, string>();
  for (const event of heard) {
    for (const run of (event.type === 'runs' ? event.data : { runs: [] }).runs as RunChanges['runs']) {
      statuses.set(run.executionId, run.status);
    }
  }
  return statuses;
};

describe('GET /events/runs', () => {
  it('tells every role how runs of every workflow start and end, never step by step', async () => {
    //  Quick:  Start ──▶ Tidy            Slow:  Start ──▶ Wait (60 s delay) ──▶ After
    const quick = engine.workflow({
      nodes: [node('start', 'trigger.manual', 'Start'), node('tidy', 'transform.set', 'Tidy')],
      edges: [edge('start', 'tidy')],
    });
    const slow = engine.workflow({
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('wait', 'flow.delay', 'Wait', { amount: 60, unit: 'seconds' }),
        node('after', 'transform.set', 'After'),
      ],
      edges: [edge('start', 'wait'), edge('wait', 'after')],
    });
    const stream = await openStream(api, `Bearer ${api.keys.analyst}`);
    const run = (of: typeof quick) =>
      startRun(engine.runs, { workflowId: of.workflow.id, versionId: of.version.id, trigger: 'manual', payload: {} });
    const quickRuns = await Promise.all([1, 2, 3, 4, 5, 6].map(() => run(quick)));
    const waiting = await run(slow);

    await stream.until('every quick run ended', () =>
      quickRuns.every((execution) => latest(stream.heard).get(execution.id) === 'succeeded'),
    );
    expect(latest(stream.heard).get(waiting.id)).toBe('queued');
    expect(await cancelRun(engine.runs, waiting.id)).toBe(true);
    await stream.until('the cancel is heard', () => latest(stream.heard).get(waiting.id) === 'canceled');

    expect(new Set(stream.heard.map((event) => event.type))).toEqual(new Set(['ready', 'runs']));
    // Fourteen run changes (queued and ended, seven runs) and no step's: at most fourteen named.
    // How they are grouped depends on when they happen; the next test times the windows itself.
    const batches = stream.heard.filter((event) => event.type === 'runs');
    const named = batches.reduce((sum, event) => sum + event.data.runs.length, 0);
    expect(named).toBeLessThanOrEqual(14);

    await stream.close();
    await stream.ended;
    await waitUntil('the stream lets go of the hub', async () => hub.listening === 0);
  });

  it('sends changes heard together as one event, at most one per window, naming at most a few', async () => {
    const stream = await openStream(scriptedApi, `Bearer ${scriptedApi.keys.operator}`);
    const at = new Date().toISOString();
    const ids = Array.from({ length: MAX_NAMED_RUNS + 10 }, (_, index) => `run-${index}`);
    // A burst: every run queued, then ended, with step events between that the stream ignores.
    for (const executionId of ids) scripted.emit({ type: 'run', executionId, status: 'queued', at });
    for (const executionId of ids) {
      scripted.emit({ type: 'step', executionId, nodeId: 'start', scope: '', attempt: 1, status: 'succeeded', at });
      scripted.emit({ type: 'run', executionId, status: 'succeeded', at });
    }
    await stream.until('the burst is told', () => stream.heard.some((event) => event.type === 'runs'));
    const [burst] = stream.heard.filter((event) => event.type === 'runs');
    // The first executions to change, each at its latest change; the others' changes only counted.
    expect(burst?.data.runs).toHaveLength(MAX_NAMED_RUNS);
    expect(burst?.data.runs[0]).toEqual({ executionId: 'run-0', status: 'succeeded', at });
    expect(burst?.data.runs.at(-1).executionId).toBe(`run-${MAX_NAMED_RUNS - 1}`);
    expect(burst?.data.more).toBe(20);

    // Changes just after a `runs` event wait for the window to close (on the clock, which moves
    // only when told), then go out together.
    await waitUntil('the window after the burst is timed', () => clock.pendingTimers === 1);
    scripted.emit({ type: 'run', executionId: 'late-1', status: 'queued', at });
    scripted.emit({ type: 'run', executionId: 'late-2', status: 'failed', at });
    const runsEvents = () => stream.heard.filter((event) => event.type === 'runs');
    later(COALESCE_MS - 1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a moment of real time changes nothing
    expect(runsEvents()).toHaveLength(1);
    later(1);
    await stream.until('the late changes are told', () => runsEvents().length === 2);
    const [, second] = runsEvents();
    expect(second?.data).toEqual({
      runs: [
        { executionId: 'late-1', status: 'queued', at },
        { executionId: 'late-2', status: 'failed', at },
      ],
      more: 0,
    });
    await stream.close();
  });

  it('ends the stream once the caller may no longer view runs', async () => {
    const created = await scriptedApi.call('POST', '/api/v1/api-keys', { name: 'watcher' }, { as: 'operator' });
    expect(created.status).toBe(201);
    const stream = await openStream(scriptedApi, `Bearer ${created.body.secret}`);
    const revoked = await scriptedApi.call('DELETE', `/api/v1/api-keys/${created.body.key.id}`, undefined, {
      as: 'operator',
    });
    expect(revoked.status).toBe(204);
    scripted.emit({ type: 'run', executionId: 'after-revoke', status: 'queued', at: new Date().toISOString() });
    await stream.ended; // the server closed it
    expect(stream.heard.filter((event) => event.type === 'runs')).toEqual([]);
  });

  it('is for signed-in callers only', async () => {
    expect((await api.call('GET', '/api/v1/events/runs', undefined, { as: 'anonymous' })).status).toBe(401);
  });
});
