import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing.ts';
import type { ExecutionStatus } from './executions.ts';
import { pruneBatches, pruneExecutions, reclaimSpace } from './retention.ts';

const stores: Array<ReturnType<typeof tempStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.cleanup();
});

const NOW = new Date('2026-06-01T00:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000).toISOString();

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

describe('pruneExecutions', () => {
  it('deletes ended executions older than the age limit, by when they finished', () => {
    const s = store();
    seed(s, [
      { id: 'old-succeeded', status: 'succeeded', createdAt: daysAgo(40) },
      { id: 'old-failed', status: 'failed', createdAt: daysAgo(35) },
      { id: 'old-canceled-never-started', status: 'canceled', createdAt: daysAgo(31), finishedAt: null },
      // Created long ago but finished recently (e.g. a long delay): still within the limit.
      { id: 'long-runner', status: 'succeeded', createdAt: daysAgo(60), finishedAt: daysAgo(2) },
      { id: 'recent', status: 'succeeded', createdAt: daysAgo(29) },
    ]);
    expect(pruneExecutions(s.sqlite, { maxAgeDays: 30, maxCount: 0, batchSize: 100, now: NOW })).toBe(3);
    expect(ids(s)).toEqual(['long-runner', 'recent']);
  });

  it('keeps only the newest ended executions beyond the count limit', () => {
    const s = store();
    seed(s, daily(10));
    expect(pruneExecutions(s.sqlite, { maxAgeDays: 0, maxCount: 4, batchSize: 100, now: NOW })).toBe(6);
    expect(ids(s)).toEqual(['e0000', 'e0001', 'e0002', 'e0003']);
    // Nothing left to prune: a second run is a no-op.
    expect(pruneExecutions(s.sqlite, { maxAgeDays: 0, maxCount: 4, batchSize: 100, now: NOW })).toBe(0);
  });

  it('applies both limits together, and neither when both are 0', () => {
    const s = store();
    seed(s, daily(10));
    expect(pruneExecutions(s.sqlite, { maxAgeDays: 0, maxCount: 0, batchSize: 100, now: NOW })).toBe(0);
    // Age keeps e0000..e0004, count keeps e0000..e0006: the stricter one wins.
    expect(pruneExecutions(s.sqlite, { maxAgeDays: 5, maxCount: 7, batchSize: 100, now: NOW })).toBe(5);
    expect(ids(s)).toEqual(['e0000', 'e0001', 'e0002', 'e0003', 'e0004']);
  });

  it('never touches queued or running executions, however old, nor counts them', () => {
    const s = store();
    seed(s, [
      { id: 'queued', status: 'queued', createdAt: daysAgo(400), finishedAt: null },
      { id: 'running', status: 'running', createdAt: daysAgo(300), finishedAt: null },
      { id: 'ended-new', status: 'failed', createdAt: daysAgo(1) },
      { id: 'ended-old', status: 'failed', createdAt: daysAgo(2) },
    ]);
    expect(pruneExecutions(s.sqlite, { maxAgeDays: 1, maxCount: 1, batchSize: 100, now: NOW })).toBe(1);
    expect(ids(s)).toEqual(['ended-new', 'queued', 'running']);
    expect(stepCount(s)).toBe(3);
  });

  it('deletes the step runs of pruned executions and unlinks retries of them', () => {
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
    expect(pruneExecutions(s.sqlite, { maxAgeDays: 30, maxCount: 0, batchSize: 100, now: NOW })).toBe(1);
    expect(ids(s)).toEqual(['retry']);
    expect(stepCount(s)).toBe(2);
    expect(s.sqlite.prepare("select retry_of from executions where id = 'retry'").get()).toEqual({ retry_of: null });
    expect(s.sqlite.prepare('select execution_id from schedule_fires').get()).toEqual({ execution_id: null });
  });

  it('works in batches of batchSize, one transaction each', () => {
    const s = store();
    seed(s, daily(25, { steps: 2 }));
    const batches = [...pruneBatches(s.sqlite, { maxAgeDays: 0, maxCount: 3, batchSize: 5, now: NOW })];
    expect(batches).toEqual([5, 5, 5, 5, 2]);
    expect(ids(s)).toEqual(['e0000', 'e0001', 'e0002']);
    expect(stepCount(s)).toBe(6);
  });

  it('refuses to run without foreign keys, which would orphan step runs', () => {
    const s = store();
    seed(s, daily(3));
    s.sqlite.pragma('foreign_keys = OFF');
    expect(() => pruneExecutions(s.sqlite, { maxAgeDays: 0, maxCount: 1, batchSize: 10, now: NOW })).toThrow(
      /foreign_keys/,
    );
    expect(ids(s)).toHaveLength(3);
  });
});

describe('reclaimSpace', () => {
  it('shrinks the database file after a prune and empties the WAL', () => {
    const s = store();
    expect(s.sqlite.pragma('auto_vacuum', { simple: true })).toBe(2); // INCREMENTAL
    seed(s, daily(3000, { steps: 3, outputBytes: 2000 }));
    s.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(s.file).size;
    expect(before).toBeGreaterThan(15 * 1024 * 1024);

    expect(pruneExecutions(s.sqlite, { maxAgeDays: 0, maxCount: 300, batchSize: 500, now: NOW })).toBe(2700);
    // Deleting alone frees pages inside the file but does not shrink it.
    s.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(s.file).size).toBe(before);

    const reclaimed = reclaimSpace(s.sqlite);
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
