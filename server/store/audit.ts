import type Database from 'better-sqlite3';
import { nowIso } from './db.ts';
import { fromJson, prepared, toJson } from './prepared.ts';
import type { AUDIT_ACTOR_KINDS } from './schema.ts';

type Sql = Database.Database;

export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

export interface AuditEntryInput {
  actorKind: AuditActorKind;
  actorId: string | null;
  actorLabel: string;
  apiKeyId?: string | null;
  action: string;
  objectType: string;
  objectId?: string | null;
  ip?: string | null;
  details?: unknown;
}

export interface AuditEntry extends Required<Omit<AuditEntryInput, 'details'>> {
  id: number;
  at: string;
  details: unknown;
}

/** Appends one entry. There is no update or delete: the table's triggers refuse both. */
export function appendAudit(sqlite: Sql, entry: AuditEntryInput): void {
  prepared(
    sqlite,
    `insert into audit_log (at, actor_kind, actor_id, actor_label, api_key_id, action, object_type, object_id, ip, details)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    nowIso(),
    entry.actorKind,
    entry.actorId,
    entry.actorLabel,
    entry.apiKeyId ?? null,
    entry.action,
    entry.objectType,
    entry.objectId ?? null,
    entry.ip ?? null,
    toJson(entry.details),
  );
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  from?: string;
  to?: string;
  /** Entries older than this id (keyset pagination; ids grow with time). */
  beforeId?: number;
  limit: number;
}

/** Newest first. Each filter is optional: `@x is null or column = @x` lets one prepared statement serve all. */
export function listAudit(sqlite: Sql, filter: AuditFilter): AuditEntry[] {
  const rows = prepared(
    sqlite,
    `select id, at, actor_kind as actorKind, actor_id as actorId, actor_label as actorLabel, api_key_id as apiKeyId,
       action, object_type as objectType, object_id as objectId, ip, details
     from audit_log
     where (@actorId is null or actor_id = @actorId) and (@action is null or action = @action)
       and (@objectType is null or object_type = @objectType) and (@objectId is null or object_id = @objectId)
       and (@from is null or at >= @from) and (@to is null or at <= @to) and (@beforeId is null or id < @beforeId)
     order by id desc limit @limit`,
  ).all({
    actorId: filter.actorId ?? null,
    action: filter.action ?? null,
    objectType: filter.objectType ?? null,
    objectId: filter.objectId ?? null,
    from: filter.from ?? null,
    to: filter.to ?? null,
    beforeId: filter.beforeId ?? null,
    limit: filter.limit,
  }) as Array<Omit<AuditEntry, 'details'> & { details: string | null }>;
  return rows.map((row) => ({ ...row, details: fromJson(row.details) }));
}
