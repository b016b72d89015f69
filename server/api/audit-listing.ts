import type { AuditEntry, AuditFilter } from '../store/audit.ts';
import type { AuditRepository } from '../store/repositories.ts';

/** An entry as the audit page lists it: one stored row, or a run of autosaves folded into one. */
export interface ListedAuditEntry extends AuditEntry {
  /** How many stored rows this entry stands for (autosaves in a row); 1 for every other entry. */
  count: number;
  /** When the first of those rows was written (`at` is the last); equals `at` for a single row. */
  firstAt: string;
  /** The oldest row's id: where the next page starts. */
  oldestId: number;
}

/** Autosaves: one row each in the log, which is append-only, but noise when listed one by one. */
const FOLDED_ACTION = 'workflow.draft_saved';

/** Whether `older` (the next row, newest first) continues `group`: the same user autosaving the same workflow. */
const continues = (group: ListedAuditEntry, older: AuditEntry) =>
  group.action === FOLDED_ACTION &&
  older.action === FOLDED_ACTION &&
  older.objectId === group.objectId &&
  older.actorId === group.actorId &&
  older.apiKeyId === group.apiKeyId;

/** Folds consecutive autosaves of one workflow by one user into one entry with a count; keeps every other row. */
export function foldAutosaves(rows: readonly AuditEntry[], into: ListedAuditEntry[] = []): ListedAuditEntry[] {
  for (const row of rows) {
    const last = into.at(-1);
    if (last && continues(last, row)) {
      last.count++;
      last.firstAt = row.at;
      last.oldestId = row.id;
    } else {
      into.push({ ...row, count: 1, firstAt: row.at, oldestId: row.id });
    }
  }
  return into;
}

/**
 * One page of `limit` listed entries, newest first. Rows are read in batches until one entry more
 * than the page has begun, so a run of autosaves is never cut in two by the page's end.
 */
export async function listAuditPage(
  audit: AuditRepository,
  filter: Omit<AuditFilter, 'limit'>,
  limit: number,
): Promise<{ entries: ListedAuditEntry[]; more: boolean }> {
  const batch = Math.min(500, limit + 1);
  const entries: ListedAuditEntry[] = [];
  let beforeId = filter.beforeId;
  for (;;) {
    const rows = await audit.list({ ...filter, ...(beforeId === undefined ? {} : { beforeId }), limit: batch });
    foldAutosaves(rows, entries);
    if (entries.length > limit) return { entries: entries.slice(0, limit), more: true };
    if (rows.length < batch) return { entries, more: false };
    beforeId = rows.at(-1)?.id;
  }
}
