import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHeartbeatTable } from '../engine/liveness.ts';
import { testApi } from '../testing/api.ts';
import { readOnlyStore, tempStore } from '../testing/store.ts';
import { freshDatabase } from '../testing/test-database.ts';
import { checkReadiness, postgresAnswers, sqliteWritable, workerAlive } from './readiness.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;
const store = tempStore();

beforeAll(async () => {
  database = await freshDatabase();
  pool = new pg.Pool({ connectionString: database.url });
  await ensureHeartbeatTable(pool);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
  store.cleanup();
});

/** A beat from a worker process `seconds` ago. */
async function heartbeat(processId: string, secondsAgo: number): Promise<void> {
  await pool.query(
    `insert into stepwise_worker_heartbeats (locker_id, process_id, last_seen)
     values ($1, $1, now() - make_interval(secs => $2))
     on conflict (locker_id) do update set last_seen = excluded.last_seen`,
    [processId, secondsAgo],
  );
}

async function portNobodyListensOn(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `GET /readyz` of an API whose readiness uses these probes. */
async function readyz(probes: Parameters<typeof checkReadiness>[0], timeoutMs?: number) {
  const api = testApi({ readiness: () => checkReadiness(probes, timeoutMs) });
  const response = await api.app.request('/readyz');
  return { status: response.status, body: (await response.json()) as Awaited<ReturnType<typeof checkReadiness>> };
}

describe('GET /readyz', () => {
  it('answers 200 naming each component when SQLite is writable, PostgreSQL answers and a worker beats', async () => {
    await heartbeat('worker-a', 1);
    const answer = await readyz({
      sqlite: sqliteWritable(store),
      postgres: postgresAnswers(pool),
      worker: workerAlive(pool),
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        status: 'ready',
        components: {
          sqlite: { state: 'up' },
          postgres: { state: 'up' },
          worker: { state: 'up', detail: '1 worker process alive' },
        },
      },
    });
    // /healthz stays a liveness probe: it does not look at the components.
    const health = await testApi().app.request('/healthz');
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 when SQLite cannot be written', async () => {
    const readOnly = readOnlyStore(store.file);
    try {
      const answer = await readyz({ sqlite: sqliteWritable(readOnly), postgres: postgresAnswers(pool) });
      expect(answer.status).toBe(503);
      expect(answer.body.status).toBe('not ready');
      expect(answer.body.components.sqlite).toEqual({ state: 'down', reason: expect.stringMatching(/readonly/i) });
      expect(answer.body.components.postgres).toEqual({ state: 'up' });
    } finally {
      readOnly.close();
    }
  });

  it('answers 503 when PostgreSQL does not answer, and the worker cannot be seen either', async () => {
    const down = new pg.Pool({ connectionString: `postgres://nobody@127.0.0.1:${await portNobodyListensOn()}/none` });
    try {
      const answer = await readyz({
        sqlite: sqliteWritable(store),
        postgres: postgresAnswers(down),
        worker: workerAlive(down),
      });
      expect(answer.status).toBe(503);
      expect(answer.body.components.sqlite).toEqual({ state: 'up' });
      expect(answer.body.components.postgres).toEqual({
        state: 'down',
        reason: expect.stringContaining('ECONNREFUSED'),
      });
      expect(answer.body.components.worker?.state).toBe('down');
    } finally {
      await down.end();
    }
  });

  it('answers 503 when no worker has beaten for 10 s', async () => {
    await pool.query('delete from stepwise_worker_heartbeats');
    await heartbeat('worker-gone', 30);
    const answer = await readyz({ postgres: postgresAnswers(pool), worker: workerAlive(pool) });
    expect(answer.status).toBe(503);
    expect(answer.body.components).toEqual({
      postgres: { state: 'up' },
      worker: { state: 'down', reason: 'no engine worker heartbeat in the last 10 s' },
    });
  });

  it('answers 503 before any worker started (no heartbeat table yet)', async () => {
    const other = await freshDatabase();
    const fresh = new pg.Pool({ connectionString: other.url });
    try {
      const answer = await readyz({ worker: workerAlive(fresh) });
      expect(answer.body.components.worker).toEqual({ state: 'down', reason: 'no engine worker has started yet' });
    } finally {
      await fresh.end();
      await other.drop();
    }
  });

  it('counts a component that hangs as down', async () => {
    const answer = await readyz({ postgres: () => new Promise(() => undefined) }, 50);
    expect(answer.status).toBe(503);
    expect(answer.body.components.postgres).toEqual({ state: 'down', reason: 'no answer within 50 ms' });
  });
});
