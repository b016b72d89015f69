import { and, asc, desc, eq, inArray, lt, max, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { executions, scheduleFires, webhookDeliveries, workflows } from './schema.ts';
import { IDEMPOTENCY_WINDOW_MS } from './webhooks.ts';

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
const ENDED = inArray(executions.status, ['succeeded', 'failed', 'canceled']);

/** A write transaction that queues on SQLite's lock instead of failing mid-way. */
const immediate = <T>(db: Db, work: (tx: Db) => T): T => db.transaction(work, { behavior: 'immediate' });

// Raw SQL, kept: drizzle has no builder for pragmas (nor for `incremental_vacuum`).
const pragma = (db: Db, name: string): Array<Record<string, unknown>> => db.all(sql.raw(`pragma ${name}`));
const pragmaValue = (db: Db, name: string): unknown => Object.values(pragma(db, name)[0] ?? {})[0];

/**
 * Deletes prunable executions one batch per transaction, yielding how many each batch deleted, so
 * a caller on the event loop can let other work in between batches. Their step runs go with them
 * (ON DELETE CASCADE); schedule fires and retries that point at them keep a null (SET NULL).
 */
export function* pruneBatches(db: Db, policy: RetentionPolicy): Generator<number, void, undefined> {
  if (policy.batchSize < 1) throw new RangeError('batchSize must be at least 1');
  // Without foreign keys the cascade would not run and step runs would be orphaned.
  if (pragmaValue(db, 'foreign_keys') !== 1) throw new Error('foreign_keys must be on to prune');
  const now = policy.now ?? new Date();
  const ageCutoff = policy.maxAgeDays > 0 ? new Date(now.getTime() - policy.maxAgeDays * DAY_MS).toISOString() : null;
  // The newest ended execution beyond the first maxCount: it and everything older go. Found once,
  // so executions ending while the prune runs do not shift it.
  const countCutoff =
    policy.maxCount > 0
      ? db
          .select({ createdAt: executions.createdAt, id: executions.id })
          .from(executions)
          .where(ENDED)
          .orderBy(desc(executions.createdAt), desc(executions.id))
          .limit(1)
          .offset(policy.maxCount)
          .get()
      : undefined;
  if (ageCutoff === null && countCutoff === undefined) return;

  // Candidates are read outside the write transaction (a WAL reader blocks no one); the delete
  // checks the status again, though an ended execution never starts again. No `order by`: any
  // prunable rows will do, and sorting every ended execution for each batch made a 100k prune
  // quadratic. Each delete stays cheap thanks to the indexes on executions.retry_of and
  // schedule_fires.execution_id (migration 0003), which SET NULL looks up per deleted row.
  const prunable: SQL[] = [];
  if (ageCutoff !== null)
    prunable.push(lt(sql`coalesce(${executions.finishedAt}, ${executions.createdAt})`, ageCutoff));
  // (created_at, id) at or before the cutoff, compared as one row value.
  if (countCutoff) {
    prunable.push(sql`(${executions.createdAt}, ${executions.id}) <= (${countCutoff.createdAt}, ${countCutoff.id})`);
  }
  const candidates = db
    .select({ id: executions.id })
    .from(executions)
    .where(and(ENDED, or(...prunable)))
    .limit(policy.batchSize)
    .prepare();
  const remove = db
    .delete(executions)
    .where(and(eq(executions.id, sql.placeholder('id')), ENDED))
    .prepare();
  for (;;) {
    const ids = candidates.all().map((row) => row.id);
    if (ids.length === 0) return;
    yield immediate(db, () => ids.reduce((deleted, id) => deleted + remove.run({ id }).changes, 0));
    if (ids.length < policy.batchSize) return;
  }
}

/** Deletes every prunable execution (see `pruneBatches`) and answers how many. */
export function pruneExecutions(db: Db, policy: RetentionPolicy): number {
  let deleted = 0;
  for (const batch of pruneBatches(db, policy)) deleted += batch;
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
export function* pruneDeliveryBatches(db: Db, options: BookkeepingPrune): Generator<number, void, undefined> {
  if (options.batchSize < 1) throw new RangeError('batchSize must be at least 1');
  const cutoff = new Date((options.now ?? new Date()).getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
  // The created_at index finds them; candidates are read outside the write transaction.
  const candidates = db
    .select({ workflowId: webhookDeliveries.workflowId, key: webhookDeliveries.idempotencyKey })
    .from(webhookDeliveries)
    .where(lt(webhookDeliveries.createdAt, cutoff))
    .limit(options.batchSize)
    .prepare();
  const remove = db
    .delete(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workflowId, sql.placeholder('workflowId')),
        eq(webhookDeliveries.idempotencyKey, sql.placeholder('key')),
        lt(webhookDeliveries.createdAt, cutoff),
      ),
    )
    .prepare();
  for (;;) {
    const rows = candidates.all();
    if (rows.length === 0) return;
    yield immediate(db, () => rows.reduce((n, row) => n + remove.run(row).changes, 0));
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
export function* pruneScheduleFireBatches(db: Db, options: BookkeepingPrune): Generator<number, void, undefined> {
  if (options.batchSize < 1) throw new RangeError('batchSize must be at least 1');
  const cutoff = new Date((options.now ?? new Date()).getTime() - SCHEDULE_FIRE_KEEP_MS).toISOString();
  // Workflow by workflow: the (workflow_id, fire_time) primary key then finds exactly the rows to
  // delete, where one query over all fires would scan every fire kept, for every batch.
  const workflowIds = db
    .select({ id: workflows.id })
    .from(workflows)
    .orderBy(asc(workflows.id))
    .all()
    .map((row) => row.id);
  const latest = db
    .select({ latest: max(scheduleFires.fireTime) })
    .from(scheduleFires)
    .where(eq(scheduleFires.workflowId, sql.placeholder('workflowId')));
  const candidates = db
    .select({ fireTime: scheduleFires.fireTime })
    .from(scheduleFires)
    .where(
      and(
        eq(scheduleFires.workflowId, sql.placeholder('workflowId')),
        lt(scheduleFires.fireTime, cutoff),
        lt(scheduleFires.fireTime, sql`(${latest})`),
      ),
    )
    .limit(options.batchSize)
    .prepare();
  const remove = db
    .delete(scheduleFires)
    .where(
      and(
        eq(scheduleFires.workflowId, sql.placeholder('workflowId')),
        eq(scheduleFires.fireTime, sql.placeholder('fireTime')),
      ),
    )
    .prepare();
  for (const workflowId of workflowIds) {
    for (;;) {
      const fireTimes = candidates.all({ workflowId }).map((row) => row.fireTime);
      if (fireTimes.length === 0) break;
      yield immediate(db, () => fireTimes.reduce((n, fireTime) => n + remove.run({ workflowId, fireTime }).changes, 0));
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
export function reclaimSpace(db: Db): Reclaimed {
  pragma(db, 'wal_checkpoint(TRUNCATE)');
  const freeBefore = pragmaValue(db, 'freelist_count') as number;
  let free = freeBefore;
  while (free > 0) {
    db.run(sql.raw(`pragma incremental_vacuum(${VACUUM_STEP_PAGES})`)); // returns no rows: run, not all
    const left = pragmaValue(db, 'freelist_count') as number;
    // A file without auto_vacuum (created before it was set) keeps its free list: stop rather than spin.
    if (left >= free) break;
    free = left;
  }
  const [checkpoint] = pragma(db, 'wal_checkpoint(TRUNCATE)');
  return { pagesFreed: freeBefore - free, walTruncated: checkpoint?.busy === 0 };
}
