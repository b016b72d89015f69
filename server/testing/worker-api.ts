import { connectionTester } from '../engine/credential-test-requests.ts';
import { EventHub } from '../engine/event-hub.ts';
import { codeExchanger } from '../engine/oauth2-exchange-requests.ts';
import { type TestApi, testApi } from './api.ts';
import { testEngine } from './engine.ts';

/** The API beside a real worker, and how to stop both. */
export interface WorkerBackedApi {
  readonly engine: Awaited<ReturnType<typeof testEngine>>;
  readonly api: TestApi;
  close(): Promise<void>;
}

/**
 * The API in process beside a real worker on a real PostgreSQL, wired as the server wires them
 * for the work the API hands to workers (Test connection, the OAuth 2 code exchange): a request
 * goes out as a job and its answer comes back over the event bus. Both share the engine's store
 * and master key, so the worker opens the credentials the API stores.
 */
export async function workerBackedApi(options: { publicUrl?: string } = {}): Promise<WorkerBackedApi> {
  const engine = await testEngine();
  await engine.startWorker();
  const events = new EventHub(engine.databaseUrl, engine.log);
  await events.start();
  const api = testApi({
    store: engine.store,
    masterKey: engine.masterKey,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    connectionTests: connectionTester(engine.pgPool, events),
    oauth2Exchange: codeExchanger(engine.pgPool, events, engine.masterKey),
  });
  return {
    engine,
    api,
    async close() {
      await events.close();
      await engine.close();
    },
  };
}
