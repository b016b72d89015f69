import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing/store.ts';
import type { ExecutionStatus } from './executions.ts';
import type { RetentionPolicy } from './retention.ts';
import { sqliteRepositories } from './sqlite-repositories.ts';

const stores: Array<ReturnType<typeof tempStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.cleanup();
});

const NOW = new Date('2026-06-01T00:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000).toISOString();

const repos = (s: ReturnType<typeof tempStore>) => sqliteRepositories(s);

const collect = async (batches: AsyncIterable<number>): Promise<number[]> => {
  const sizes: number[] = [];
  for await (const size of batches) sizes.push(size);
  return sizes;
};

/** Prunes through the store port; answers how many executions went. */
const pruned = async (s: ReturnType<typeof tempStore>, policy: RetentionPolicy): Promise<number> =>
  (await collect(repos(s).executions.prune(policy))).reduce((sum, size) => sum + size, 0);

function store() {
  const created = tempStore();
  stores.push(created);
  created.sqlite
    .prepare(
      `insert into workflows (id, name, description, draft, draft_revision, draft_updated_at, active, created_at, updated_at)
       values ('w1', 'Retained', '', '{"nodes":[],"edges":[]}', 1, @at, 0, @at, @at)`,
    )
    .run({ at: daysAgo(1000) });
  return created;
}

interface Seed {
  id: string;
  status: ExecutionStatus;
  createdAt: string;
  finishedAt?: string | null;
  retryOf?: string;
  /** Step runs, each with an output of `outputBytes`. */
  steps?: number;
  outputBytes?: number;
}

/** Executions and their step runs through plain SQL, in one transaction (thousands in milliseconds). */
function seed(s: ReturnType<typeof store>, rows: Seed[]): void {
  const execution = s.sqlite.prepare(
    `insert into executions (id, workflow_id, trigger, status, retry_of, created_at, finished_at)
     values (@id, 'w1', 'manual', @status, @retryOf, @createdAt, @finishedAt)`,
  );
  const step = s.sqlite.prepare(
    `insert into step_runs (id, execution_id, node_id, attempt, status, output, started_at, finished_at)
     values (@id, @executionId, @nodeId, 1, 'succeeded', @output, @at, @at)`,
  );
  s.sqlite.transaction(() => {
    for (const row of rows) {
      execution.run({
        id: row.id,
        status: row.status,
        retryOf: row.retryOf ?? null,
        createdAt: row.createdAt,
        finishedAt: row.finishedAt === undefined ? row.createdAt : row.finishedAt,
      });
      for (let n = 0; n < (row.steps ?? 1); n++) {
        // Random text does not compress and is not shared between rows: the bytes are really stored.
        const output = JSON.stringify({ text: randomText(row.outputBytes ?? 100) });
        step.run({ id: `${row.id}-s${n}`, executionId: row.id, nodeId: `n${n}`, output, at: row.createdAt });
      }
    }
  })();
}

const randomText = (length: number) =>
  Array.from({ length: Math.ceil(length / 10) }, () => Math.random().toString(36).slice(2, 12)).join('');

const ids = (s: ReturnType<typeof store>) =>
  (s.sqlite.prepare('select id from executions order by id').all() as Array<{ id: string }>).map((row) => row.id);
const stepCount = (s: ReturnType<typeof store>) =>
  (s.sqlite.prepare('select count(*) as n from step_runs').get() as { n: number }).n;

/** `count` ended executions, one a day back from `NOW` (e000 is the newest). */
const daily = (count: number, extra: Partial<Seed> = {}): Seed[] =>
  Array.from({ length: count }, (_, day) => ({
    id: `e${String(day).padStart(4, '0')}`,
    status: 'succeeded' as const,
    createdAt: daysAgo(day + 0.5),
    ...extra,
  }));

describe('executions.prune', () => {
  it('deletes ended executions older than the age limit, by when they finished', async () => {
    const s = store();
    seed(s, [
      { id: 'old-succeeded', status: 'succeeded', createdAt: daysAgo(40) },
      { id: 'old-failed', status: 'failed', createdAt: daysAgo(35) },
      { id: 'old-canceled-never-started', status: 'canceled', createdAt: daysAgo(31), finishedAt: null },
      // Created long ago but finished recently (e.g. a long delay): still within the limit.
      { id: 'long-runner', status: 'succeeded', createdAt: daysAgo(60), finishedAt: daysAgo(2) },
      { id: 'recent', status: 'succeeded', createdAt: daysAgo(29) },
    ]);
    expect(await pruned(s, { maxAgeDays: 30, maxCount: 0, batchSize: 100, now: NOW })).toBe(3);
    expect(ids(s)).toEqual(['long-runner', 'recent']);
  });

  it('keeps only the newest ended executions beyond the count limit', async () => {
    const s = store();
    seed(s, daily(10));
    expect(await pruned(s, { maxAgeDays: 0, maxCount: 4, batchSize: 100, now: NOW })).toBe(6);
    expect(ids(s)).toEqual(['e0000', 'e0001', 'e0002', 'e0003']);
    // Nothing left to prune: a second run is a no-op.
    expect(await pruned(s, { maxAgeDays: 0, maxCount: 4, batchSize: 100, now: NOW })).toBe(0);
  });

  it('applies both limits together, and neither when both are 0', async () => {
    const s = store();
    seed(s, daily(10));
    expect(await pruned(s, { maxAgeDays: 0, maxCount: 0, batchSize: 100, now: NOW })).toBe(0);
    // Age keeps e0000..e0004, count keeps e0000..e0006: the stricter one wins.
    expect(await pruned(s, { maxAgeDays: 5, maxCount: 7, batchSize: 100, now: NOW })).toBe(5);
    expect(ids(s)).toEqual(['e0000', 'e0001', 'e0002', 'e0003', 'e0004']);
  });

  it('never touches queued or running executions, however old, nor counts them', async () => {
    const s = store();
    seed(s, [
      { id: 'queued', status: 'queued', createdAt: daysAgo(400), finishedAt: null },
      { id: 'running', status: 'running', createdAt: daysAgo(300), finishedAt: null },
      { id: 'ended-new', status: 'failed', createdAt: daysAgo(1) },
      { id: 'ended-old', status: 'failed', createdAt: daysAgo(2) },
    ]);
    expect(await pruned(s, { maxAgeDays: 1, maxCount: 1, batchSize: 100, now: NOW })).toBe(1);
    expect(ids(s)).toEqual(['ended-new', 'queued', 'running']);
    expect(stepCount(s)).toBe(3);
  });

  it('deletes the step runs of pruned executions and unlinks retries of them', async () => {
    const s = store();
    seed(s, [
      { id: 'original', status: 'failed', createdAt: daysAgo(50), steps: 3 },
      { id: 'retry', status: 'succeeded', createdAt: daysAgo(1), retryOf: 'original', steps: 2 },
    ]);
    s.sqlite
      .prepare(
        `insert into schedule_fires (workflow_id, fire_time, execution_id, created_at) values ('w1', ?, 'original', ?)`,
      )
      .run(daysAgo(50), daysAgo(50));
    expect(stepCount(s)).toBe(5);
    expect(await pruned(s, { maxAgeDays: 30, maxCount: 0, batchSize: 100, now: NOW })).toBe(1);
    expect(ids(s)).toEqual(['retry']);
    expect(stepCount(s)).toBe(2);
    expect(s.sqlite.prepare("select retry_of from executions where id = 'retry'").get()).toEqual({ retry_of: null });
    expect(s.sqlite.prepare('select execution_id from schedule_fires').get()).toEqual({ execution_id: null });
  });

  it('works in batches of batchSize, one transaction each', async () => {
    const s = store();
    seed(s, daily(25, { steps: 2 }));
    const batches = await collect(repos(s).executions.prune({ maxAgeDays: 0, maxCount: 3, batchSize: 5, now: NOW }));
    expect(batches).toEqual([5, 5, 5, 5, 2]);
    expect(ids(s)).toEqual(['e0000', 'e0001', 'e0002']);
    expect(stepCount(s)).toBe(6);
  });

  it('refuses to run without foreign keys, which would orphan step runs', async () => {
    const s = store();
    seed(s, daily(3));
    s.sqlite.pragma('foreign_keys = OFF');
    await expect(pruned(s, { maxAgeDays: 0, maxCount: 1, batchSize: 10, now: NOW })).rejects.toThrow(/foreign_keys/);
    expect(ids(s)).toHaveLength(3);
  });
});

const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 60 * 60 * 1000).toISOString();

function addWorkflow(s: ReturnType<typeof store>, id: string): void {
  s.sqlite
    .prepare(
      `insert into workflows (id, name, description, draft, draft_revision, draft_updated_at, active, created_at, updated_at)
       values (?, ?, '', '{"nodes":[],"edges":[]}', 1, @at, 1, @at, @at)`,
    )
    .run(id, `Workflow ${id}`, { at: daysAgo(1000) });
}

describe('webhooks.pruneDeliveries', () => {
  it('deletes webhook deliveries older than the 24-hour idempotency window, in batches', async () => {
    const s = store();
    const delivery = s.sqlite.prepare(
      `insert into webhook_deliveries (workflow_id, idempotency_key, created_at) values ('w1', ?, ?)`,
    );
    for (const [key, hours] of [
      ['a', 25],
      ['b', 48],
      ['c', 24 * 30],
      ['d', 24.01],
      ['e', 100],
      ['kept-recent', 1],
      ['kept-almost-a-day', 23.9],
    ] as const) {
      delivery.run(key, hoursAgo(hours));
    }
    expect(await collect(repos(s).webhooks.pruneDeliveries({ batchSize: 2, now: NOW }))).toEqual([2, 2, 1]);
    const keys = s.sqlite.prepare('select idempotency_key from webhook_deliveries order by 1').pluck().all();
    expect(keys).toEqual(['kept-almost-a-day', 'kept-recent']);
  });
});

describe('schedules.pruneFires', () => {
  it('keeps each workflow’s latest fire and the last day’s, and deletes the rest in batches', async () => {
    const s = store();
    addWorkflow(s, 'w2');
    addWorkflow(s, 'w3');
    const fire = s.sqlite.prepare(
      'insert into schedule_fires (workflow_id, fire_time, created_at) values (?, @at, @at)',
    );
    s.sqlite.transaction(() => {
      // w1 fires hourly, for three days up to an hour ago: the 48 fires over a day old go.
      for (let hour = 1; hour <= 72; hour++) fire.run('w1', { at: hoursAgo(hour) });
      // w2 is yearly: its latest fire, a year old, stays (else that slot would fire again).
      fire.run('w2', { at: daysAgo(730) });
      fire.run('w2', { at: daysAgo(365) });
      // w3 stopped firing long ago (deactivated): only its last fire stays.
      for (const day of [90, 91, 92]) fire.run('w3', { at: daysAgo(day) });
    })();

    expect(await collect(repos(s).schedules.pruneFires({ batchSize: 20, now: NOW }))).toEqual([20, 20, 8, 1, 2]);
    const left = (workflowId: string) =>
      s.sqlite
        .prepare('select fire_time from schedule_fires where workflow_id = ? order by 1')
        .pluck()
        .all(workflowId) as string[];
    expect(left('w1')).toHaveLength(24);
    expect(left('w1')[0]).toBe(hoursAgo(24));
    expect(left('w2')).toEqual([daysAgo(365)]);
    expect(left('w3')).toEqual([daysAgo(90)]);
    // Nothing more to prune.
    expect(await collect(repos(s).schedules.pruneFires({ batchSize: 20, now: NOW }))).toEqual([]);
  });
});

describe('executions.reclaimSpace', () => {
  it('shrinks the database file after a prune and empties the WAL', async () => {
    const s = store();
    expect(s.sqlite.pragma('auto_vacuum', { simple: true })).toBe(2); // INCREMENTAL
    seed(s, daily(3000, { steps: 3, outputBytes: 2000 }));
    s.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(s.file).size;
    expect(before).toBeGreaterThan(15 * 1024 * 1024);

    expect(await pruned(s, { maxAgeDays: 0, maxCount: 300, batchSize: 500, now: NOW })).toBe(2700);
    // Deleting alone frees pages inside the file but does not shrink it.
    s.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(s.file).size).toBe(before);

    const reclaimed = await repos(s).executions.reclaimSpace();
    expect(reclaimed.walTruncated).toBe(true);
    expect(reclaimed.pagesFreed).toBeGreaterThan(0);
    const after = statSync(s.file).size;
    expect(after).toBeLessThan(before * 0.5);
    const wal = `${s.file}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    expect(s.sqlite.pragma('freelist_count', { simple: true })).toBe(0);
    expect(s.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(stepCount(s)).toBe(900);
  });
});
