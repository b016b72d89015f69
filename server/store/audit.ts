import { and, desc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { type AUDIT_ACTOR_KINDS, auditLog } from './schema.ts';

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
  /** The object's name as it is now (a run: its workflow's); null once the object is gone. */
  objectLabel: string | null;
}

/**
 * The name of the entry's object, read where each kind of object keeps it. Written out in SQL:
 * drizzle leaves columns unqualified in a query without joins, which the subqueries would misread.
 */
const objectLabel = sql<string | null>`case audit_log.object_type
  when 'workflow' then (select w.name from workflows w where w.id = audit_log.object_id)
  when 'user' then (select u.name from users u where u.id = audit_log.object_id)
  when 'credential' then (select c.name from credentials c where c.id = audit_log.object_id)
  when 'api_key' then (select k.name from api_keys k where k.id = audit_log.object_id)
  when 'execution' then (select w.name from executions e join workflows w on w.id = e.workflow_id
    where e.id = audit_log.object_id)
  end`;

/** Appends one entry. There is no update or delete: the table's triggers refuse both. */
export function appendAudit(db: Db, entry: AuditEntryInput): void {
  db.insert(auditLog)
    .values({
      at: nowIso(),
      actorKind: entry.actorKind,
      actorId: entry.actorId,
      actorLabel: entry.actorLabel,
      apiKeyId: entry.apiKeyId ?? null,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId ?? null,
      ip: entry.ip ?? null,
      details: entry.details ?? null,
    })
    .run();
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

/** Newest first; each filter is optional. */
export function listAudit(db: Db, filter: AuditFilter): AuditEntry[] {
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorKind: auditLog.actorKind,
      actorId: auditLog.actorId,
      actorLabel: auditLog.actorLabel,
      apiKeyId: auditLog.apiKeyId,
      action: auditLog.action,
      objectType: auditLog.objectType,
      objectId: auditLog.objectId,
      ip: auditLog.ip,
      details: auditLog.details,
      objectLabel,
    })
    .from(auditLog)
    .where(
      and(
        filter.actorId === undefined ? undefined : eq(auditLog.actorId, filter.actorId),
        filter.action === undefined ? undefined : eq(auditLog.action, filter.action),
        filter.objectType === undefined ? undefined : eq(auditLog.objectType, filter.objectType),
        filter.objectId === undefined ? undefined : eq(auditLog.objectId, filter.objectId),
        filter.from === undefined ? undefined : gte(auditLog.at, filter.from),
        filter.to === undefined ? undefined : lte(auditLog.at, filter.to),
        filter.beforeId === undefined ? undefined : lt(auditLog.id, filter.beforeId),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(filter.limit)
    .all();
}
