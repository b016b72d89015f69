import type Database from 'better-sqlite3';
import { immediate, prepared } from './prepared.ts';
import { IDEMPOTENCY_WINDOW_MS } from './webhooks.ts';

type Sql = Database.Database;

export interface RetentionPolicy {
  /** Ended executions that finished (or, lacking an end, were created) longer ago than this go; 0 keeps them forever. */
  maxAgeDays: number;
  /** Only the newest this many ended executions (by creation, as the executions list orders them) stay; 0 for no limit. */
  maxCount: number;
  /** Executions deleted per write transaction: small, so the engine's writers never wait long for the lock. */
  batchSize: number;
  now?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Queued and running executions are never pruned, whatever their age: the engine still owns them.
const ENDED = "status in ('succeeded', 'failed', 'canceled')";

/**
 * Deletes prunable executions one batch per transaction, yielding how many each batch deleted, so
 * a caller on the event loop can let other work in between batches. Their step runs go with them
 * (ON DELETE CASCADE); schedule fires and retries that point at them keep a null (SET NULL).
 */
export function* pruneBatches(sqlite: Sql, policy: RetentionPolicy): Generator<number, void, undefined> {
  if (policy.batchSize < 1) throw new RangeError('batchSize must be at least 1');
  // Without foreign keys the cascade would not run and step runs would be orphaned.
  if (sqlite.pragma('foreign_keys', { simple: true }) !== 1) throw new Error('foreign_keys must be on to prune');
  const now = policy.now ?? new Date();
  const ageCutoff = policy.maxAgeDays > 0 ? new Date(now.getTime() - policy.maxAgeDays * DAY_MS).toISOString() : null;
  // The newest ended execution beyond the first maxCount: it and everything older go. Found once,
  // so executions ending while the prune runs do not shift it.
  const countCutoff =
    policy.maxCount > 0
      ? (prepared(
          sqlite,
          `select created_at as createdAt, id from executions where ${ENDED}
           order by created_at desc, id desc limit 1 offset ?`,
        ).get(policy.maxCount) as { createdAt: string; id: string } | undefined)
      : undefined;
  if (ageCutoff === null && countCutoff === undefined) return;

  // Candidates are read outside the write transaction (a WAL reader blocks no one); the delete
  // checks the status again, though an ended execution never starts again. No `order by`: any
  // prunable rows will do, and sorting every ended execution for each batch made a 100k prune
  // quadratic. Each delete stays cheap thanks to the indexes on executions.retry_of and
  // schedule_fires.execution_id (migration 0003), which SET NULL looks up per deleted row.
  const candidates = prepared(
    sqlite,
    `select id from executions
     where ${ENDED}
       and ((@ageCutoff is not null and coalesce(finished_at, created_at) < @ageCutoff)
         or (@countCreatedAt is not null and (created_at, id) <= (@countCreatedAt, @countId)))
     limit @limit`,
  );
  const remove = prepared(sqlite, `delete from executions where id = ? and ${ENDED}`);
  const params = {
    ageCutoff,
    countCreatedAt: countCutoff?.createdAt ?? null,
    countId: countCutoff?.id ?? null,
    limit: policy.batchSize,
  };
  for (;;) {
    const ids = (candidates.all(params) as Array<{ id: string }>).map((row) => row.id);
    if (ids.length === 0) return;
    yield immediate(sqlite, () => ids.reduce((deleted, id) => deleted + remove.run(id).changes, 0));
    if (ids.length < policy.batchSize) return;
  }
}

/** Deletes every prunable execution (see `pruneBatches`) and answers how many. */
export function pruneExecutions(sqlite: Sql, policy: RetentionPolicy): number {
  let deleted = 0;
  for (const batch of pruneBatches(sqlite, policy)) deleted += batch;
  return deleted;
}

/** What pruning bookkeeping rows needs: rows per write transaction, and the clock. */
export interface BookkeepingPrune {
  batchSize: number;
  now?: Date;
}

/**
 * Deletes webhook deliveries older than the idempotency window, one batch per transaction: past
 * it a repeated key starts a new run anyway, so the row only takes space.
 */
export function* pruneDeliveryBatches(sqlite: Sql, options: BookkeepingPrune): Generator<number, void, undefined> {
  if (options.batchSize < 1) throw new RangeError('batchSize must be at least 1');
  const cutoff = new Date((options.now ?? new Date()).getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
  // The created_at index finds them; candidates are read outside the write transaction.
  const candidates = prepared(
    sqlite,
    'select workflow_id as workflowId, idempotency_key as key from webhook_deliveries where created_at < ? limit ?',
  );
  const remove = prepared(
    sqlite,
    'delete from webhook_deliveries where workflow_id = ? and idempotency_key = ? and created_at < ?',
  );
  for (;;) {
    const rows = candidates.all(cutoff, options.batchSize) as Array<{ workflowId: string; key: string }>;
    if (rows.length === 0) return;
    yield immediate(sqlite, () => rows.reduce((n, row) => n + remove.run(row.workflowId, row.key, cutoff).changes, 0));
    if (rows.length < options.batchSize) return;
  }
}

/**
 * How long every schedule fire is kept. A fire's row is what takes its slot once; a scheduler
 * that read a workflow's latest fire just before another took a newer slot may still try an older
 * one, moments later. A day is far beyond any such moment.
 */
export const SCHEDULE_FIRE_KEEP_MS = DAY_MS;

/**
 * Deletes schedule fires the scheduler can no longer need, one batch per transaction. Each
 * workflow's latest fire always stays, however old: slots at or before it never fire, and after
 * downtime missed slots are counted from it (without it, a yearly schedule's last slot would fire
 * again). Older fires go once they are a day old (`SCHEDULE_FIRE_KEEP_MS`).
 */
export function* pruneScheduleFireBatches(sqlite: Sql, options: BookkeepingPrune): Generator<number, void, undefined> {
  if (options.batchSize < 1) throw new RangeError('batchSize must be at least 1');
  const cutoff = new Date((options.now ?? new Date()).getTime() - SCHEDULE_FIRE_KEEP_MS).toISOString();
  // Workflow by workflow: the (workflow_id, fire_time) primary key then finds exactly the rows to
  // delete, where one query over all fires would scan every fire kept, for every batch.
  const workflowIds = (prepared(sqlite, 'select id from workflows order by id').all() as Array<{ id: string }>).map(
    (row) => row.id,
  );
  const candidates = prepared(
    sqlite,
    `select fire_time as fireTime from schedule_fires
     where workflow_id = @workflowId and fire_time < @cutoff
       and fire_time < (select max(fire_time) from schedule_fires where workflow_id = @workflowId)
     limit @limit`,
  );
  const remove = prepared(sqlite, 'delete from schedule_fires where workflow_id = ? and fire_time = ?');
  for (const workflowId of workflowIds) {
    for (;;) {
      const fireTimes = (
        candidates.all({ workflowId, cutoff, limit: options.batchSize }) as Array<{ fireTime: string }>
      ).map((row) => row.fireTime);
      if (fireTimes.length === 0) break;
      yield immediate(sqlite, () => fireTimes.reduce((n, fireTime) => n + remove.run(workflowId, fireTime).changes, 0));
      if (fireTimes.length < options.batchSize) break;
    }
  }
}

export interface Reclaimed {
  /** Pages given back to the file system. */
  pagesFreed: number;
  /** False when a reader in another process kept the WAL from being reset; the next run retries. */
  walTruncated: boolean;
}

/** Pages moved per incremental vacuum step: each step is its own short write transaction. */
const VACUUM_STEP_PAGES = 2048;

/**
 * Gives the space of deleted rows back to the file system. Deleting only puts pages on SQLite's
 * free list; with `auto_vacuum = INCREMENTAL` (set on new files by `openStore`) an incremental
 * vacuum moves them to the end of the file and cuts them off. In WAL mode that happens in the
 * WAL first, so checkpoint before (the WAL holds the deletes) and after (so the file shrinks and
 * the WAL is reset to empty).
 */
export function reclaimSpace(sqlite: Sql): Reclaimed {
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const freeBefore = sqlite.pragma('freelist_count', { simple: true }) as number;
  let free = freeBefore;
  while (free > 0) {
    sqlite.pragma(`incremental_vacuum(${VACUUM_STEP_PAGES})`);
    const left = sqlite.pragma('freelist_count', { simple: true }) as number;
    // A file without auto_vacuum (created before it was set) keeps its free list: stop rather than spin.
    if (left >= free) break;
    free = left;
  }
  const [checkpoint] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return { pagesFreed: freeBefore - free, walTruncated: checkpoint?.busy === 0 };
}
