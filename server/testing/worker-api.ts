import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { connectionTester } from '../engine/credential-test-requests.ts';
import { EventHub } from '../engine/event-hub.ts';
import { codeExchanger } from '../engine/oauth2-exchange-requests.ts';
import { createRunService } from '../runs/service.ts';
import { type TestApi, testApi } from './api.ts';
import { testEngine } from './engine.ts';

/** The API beside a real worker, and how to stop both. */
export interface WorkerBackedApi {
  readonly engine: Awaited<ReturnType<typeof testEngine>>;
  readonly events: EventHub;
  readonly api: TestApi;
  /** Another API on the same engine (other limits, say), wired the same way. */
  apiWith(options: Parameters<typeof testApi>[0]): TestApi;
  close(): Promise<void>;
}

/**
 * The API in process beside a real worker on a real PostgreSQL, wired as the server wires them:
 * runs start through the run service (webhooks, manual runs), and the work the API hands to
 * workers (Test connection, the OAuth 2 code exchange) goes out as a job whose answer comes back
 * over the event bus. Both share the engine's store and master key, so the worker opens the
 * credentials the API stores.
 */
export async function workerBackedApi(options: Parameters<typeof testApi>[0] = {}): Promise<WorkerBackedApi> {
  const engine = await testEngine();
  await engine.startWorker();
  const events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  const apiWith = (extra: Parameters<typeof testApi>[0]) =>
    testApi({
      store: engine.store,
      masterKey: engine.masterKey,
      runs: createRunService(engine.runs, events),
      connectionTests: connectionTester(engine.pgPool, events),
      oauth2Exchange: codeExchanger(engine.pgPool, events, engine.masterKey),
      ...extra,
    });
  return {
    engine,
    events,
    api: apiWith(options),
    apiWith,
    async close() {
      await events.close();
      await engine.close();
    },
  };
}

/** An API served on 127.0.0.1 (port 0), for callers that need real HTTP (multipart bodies, raw bytes). */
export async function listening(api: TestApi): Promise<{ url: string; close(): Promise<void> }> {
  const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
