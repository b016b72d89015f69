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

/*
 * What only SQLite can show: foreign keys at work, and the file's size. Pruning as the port shows
 * it (age and count limits, batches, deliveries, fires) is tested for every store in store-suite.ts.
 */
describe('executions.prune on SQLite', () => {
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

  it('refuses to run without foreign keys, which would orphan step runs', async () => {
    const s = store();
    seed(s, daily(3));
    s.sqlite.pragma('foreign_keys = OFF');
    await expect(pruned(s, { maxAgeDays: 0, maxCount: 1, batchSize: 10, now: NOW })).rejects.toThrow(/foreign_keys/);
    expect(ids(s)).toHaveLength(3);
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
