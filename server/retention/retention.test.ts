import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { storeFile, tempStore } from '../testing/store.ts';
import { startRetention } from './retention.ts';

const stores: Array<ReturnType<typeof tempStore>> = [];
afterEach(() => {
  vi.useRealTimers();
  for (const store of stores.splice(0)) store.cleanup();
});

const config = { retentionDays: 30, retentionMaxExecutions: 0, retentionIntervalMinutes: 60 };
const old = new Date(Date.now() - 90 * 24 * 60 * 60 * 1000).toISOString();

function store() {
  const created = tempStore();
  stores.push(created);
  storeFile(created).run(
    `insert into workflows (id, name, description, draft, draft_revision, draft_updated_at, active, created_at, updated_at)
       values ('w1', 'Retained', '', '{"nodes":[],"edges":[]}', 1, @at, 0, @at, @at)`,
    { at: old },
  );
  return created;
}

/** `count` executions ended 90 days ago, each with one step run. */
function seedOld(s: ReturnType<typeof store>, prefix: string, count: number): void {
  for (let n = 0; n < count; n++) {
    const id = `${prefix}${n}`;
    storeFile(s).run(
      `insert into executions (id, workflow_id, trigger, status, created_at, finished_at)
         values (?, 'w1', 'manual', 'succeeded', ?, ?)`,
      id,
      old,
      old,
    );
    storeFile(s).run(
      `insert into step_runs (id, execution_id, node_id, attempt, status, started_at) values (?, ?, 'n', 1, 'succeeded', ?)`,
      `${id}-s`,
      id,
      old,
    );
  }
}

const count = (s: ReturnType<typeof store>, table: 'executions' | 'step_runs') =>
  (storeFile(s).get(`select count(*) as n from ${table}`) as { n: number }).n;

function logger() {
  const log = pino({ level: 'silent' });
  return { log, info: vi.spyOn(log, 'info'), error: vi.spyOn(log, 'error') };
}

describe('startRetention', () => {
  it('prunes on runNow, in batches, and logs what it deleted', async () => {
    const s = store();
    seedOld(s, 'e', 12);
    const { log, info } = logger();
    const retention = startRetention({ repos: sqliteRepositories(s), log, config, batchSize: 5 });
    try {
      expect(await retention.runNow()).toBe(12);
      expect(count(s, 'executions')).toBe(0);
      expect(count(s, 'step_runs')).toBe(0);
      expect(info).toHaveBeenCalledWith(expect.objectContaining({ deleted: 12 }), 'pruned old executions');
      // Nothing left: nothing deleted, nothing logged.
      info.mockClear();
      expect(await retention.runNow()).toBe(0);
      expect(info).not.toHaveBeenCalled();
    } finally {
      await retention.stop();
    }
  });

  it('runs on its timer until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const s = store();
    seedOld(s, 'a', 3);
    const { log, info } = logger();
    const retention = startRetention({ repos: sqliteRepositories(s), log, config });

    // The first prune comes within a minute of the start, then one every interval.
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(info).toHaveBeenCalledTimes(1));
    expect(count(s, 'executions')).toBe(0);
    seedOld(s, 'b', 2);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    await vi.waitFor(() => expect(info).toHaveBeenCalledTimes(2));
    expect(count(s, 'executions')).toBe(0);

    await retention.stop();
    seedOld(s, 'c', 2);
    await vi.advanceTimersByTimeAsync(5 * 60 * 60_000);
    expect(count(s, 'executions')).toBe(2);
    expect(info).toHaveBeenCalledTimes(2);
  });

  it('logs a failed prune instead of throwing from the timer, and tries again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const s = store();
    seedOld(s, 'e', 2);
    const { log, info, error } = logger();
    const retention = startRetention({ repos: sqliteRepositories(s), log, config });
    try {
      storeFile(s).pragma('foreign_keys = OFF');
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.waitFor(() => expect(error).toHaveBeenCalledTimes(1));
      expect(count(s, 'executions')).toBe(2);

      storeFile(s).pragma('foreign_keys = ON');
      await vi.advanceTimersByTimeAsync(60 * 60_000);
      await vi.waitFor(() => expect(info).toHaveBeenCalledTimes(1));
      expect(count(s, 'executions')).toBe(0);
    } finally {
      await retention.stop();
    }
  });

  it('deletes expired and revoked sessions and keeps live ones', async () => {
    const s = store();
    const repos = sqliteRepositories(s);
    const user = await repos.users.insert({ email: 'a@example.com', name: 'A', role: 'admin', passwordHash: null });
    const other = await repos.users.insert({ email: 'b@example.com', name: 'B', role: 'analyst', passwordHash: null });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const session = (tokenHash: string, userId: string, expiresAt: string) =>
      repos.sessions.insert({ tokenHash, userId, expiresAt, ip: null, userAgent: null });
    await session('live', user.id, future);
    await session('expired', user.id, old);
    await session('revoked', other.id, future);
    await repos.sessions.revokeForUser(other.id);
    const retention = startRetention({ repos: sqliteRepositories(s), log: logger().log, config });
    try {
      await retention.runNow();
    } finally {
      await retention.stop();
    }
    const left = storeFile(s).all('select token_hash as tokenHash from sessions');
    expect(left).toEqual([{ tokenHash: 'live' }]);
  });

  it('deletes webhook deliveries past the idempotency window and schedule fires no longer needed', async () => {
    const s = store();
    seedOld(s, 'e', 1);
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 60 * 60 * 1000).toISOString();
    const delivery = (key: string, executionId: string | null, at: string) =>
      storeFile(s).run(
        `insert into webhook_deliveries (workflow_id, idempotency_key, execution_id, created_at) values ('w1', ?, ?, ?)`,
        key,
        executionId,
        at,
      );
    delivery('old-1', 'e0', hoursAgo(30));
    delivery('old-2', null, hoursAgo(24 * 7));
    delivery('old-3', null, hoursAgo(25));
    delivery('fresh', null, hoursAgo(2));
    const fire = (time: string) =>
      storeFile(s).run(
        `insert into schedule_fires (workflow_id, fire_time, created_at) values ('w1', ?, ?)`,
        time,
        time,
      );
    const fireTimes = [2, 30, 50, 70].map(hoursAgo);
    for (const time of fireTimes) fire(time);
    const { log, info } = logger();
    const retention = startRetention({ repos: sqliteRepositories(s), log, config, batchSize: 2 });
    try {
      expect(await retention.runNow()).toBe(1);
    } finally {
      await retention.stop();
    }
    expect(info).toHaveBeenCalledWith(expect.objectContaining({ deleted: 1 }), 'pruned old executions');
    expect(storeFile(s).column('select idempotency_key from webhook_deliveries')).toEqual(['fresh']);
    // The latest fire is the last day's: the older ones go.
    expect(storeFile(s).column('select fire_time from schedule_fires')).toEqual([fireTimes[0]]);
  });

  it('forgets the whole copies of capped outputs once their run has succeeded, not of failed runs', async () => {
    const s = store();
    seedOld(s, 'ok', 1);
    seedOld(s, 'bad', 1);
    const recent = new Date().toISOString();
    storeFile(s).run("update executions set status = 'failed' where id = 'bad0'");
    storeFile(s).run('update executions set finished_at = ?, created_at = ?', recent, recent);
    storeFile(s).run(`update step_runs set output = '{"$truncated":true}', output_full = '"whole"', truncated = 1`);
    storeFile(s).run(
      "update executions set finished_at = ? where id = 'ok0'",
      new Date(Date.now() - 120_000).toISOString(),
    );
    const retention = startRetention({ repos: sqliteRepositories(s), log: logger().log, config });
    await retention.runNow();
    await retention.stop();
    const kept = storeFile(s).all('select execution_id as id, output, output_full as whole from step_runs order by id');
    expect(kept).toEqual([
      { id: 'bad0', output: '{"$truncated":true}', whole: '"whole"' },
      { id: 'ok0', output: '{"$truncated":true}', whole: null },
    ]);
  });
});
