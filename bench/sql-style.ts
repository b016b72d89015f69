/**
 * Raw prepared SQL against drizzle's query builder, on the statements of the store's hot and
 * middling paths: what decides where `server/store/` keeps raw SQL (docs/architecture.md, Store).
 * Not part of `npm run bench`; run alone: `node --no-node-snapshot bench/sql-style.ts`.
 *
 * Each statement is timed three ways: raw (better-sqlite3 statement prepared once), drizzle
 * prepared once (`.prepare()` with `sql.placeholder`), and drizzle built and run per call.
 */
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { apiKeys, auditLog, sessions, users, webhookDeliveries, workflows } from '../server/store/schema.ts';
import { tempStore } from '../server/testing/store.ts';

const ROUNDS = 5;
const CALLS = 20_000;

function time(call: () => unknown, calls = CALLS): number {
  for (let i = 0; i < calls / 10; i++) call();
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) call();
    rounds.push(Number(process.hrtime.bigint() - start) / calls / 1000);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number;
}

const store = tempStore();
try {
  const { db, sqlite } = store;
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 3_600_000).toISOString();
  sqlite
    .prepare(
      `insert into users (id, email, name, role, password_hash, active, created_at, updated_at)
       values ('u1', 'a@example.com', 'A', 'admin', null, 1, ?, ?)`,
    )
    .run(now, now);
  sqlite
    .prepare(
      `insert into api_keys (id, user_id, name, prefix, key_hash, role, created_at)
       values ('k1', 'u1', 'k', 'sw_abc', 'hash-1', 'admin', ?)`,
    )
    .run(now);
  sqlite
    .prepare(
      `insert into sessions (token_hash, user_id, created_at, expires_at, last_seen_at) values ('t1', 'u1', ?, ?, ?)`,
    )
    .run(now, later, now);
  sqlite
    .prepare(
      `insert into workflows (id, name, draft, draft_updated_at, active, created_at, updated_at)
       values ('w1', 'W', '{}', ?, 1, ?, ?)`,
    )
    .run(now, now, now);
  const audit = sqlite.prepare(
    `insert into audit_log (at, actor_kind, actor_id, actor_label, action, object_type, object_id)
     values (?, 'user', 'u1', 'a', ?, 'workflow', 'w1')`,
  );
  for (let i = 0; i < 5_000; i++) audit.run(now, i % 2 ? 'workflow.update' : 'workflow.create');

  const liveKeyColumns = {
    id: apiKeys.id,
    userId: apiKeys.userId,
    prefix: apiKeys.prefix,
    role: apiKeys.role,
    lastUsedAt: apiKeys.lastUsedAt,
  };
  const liveKeyQuery = (hash: unknown) =>
    db
      .select(liveKeyColumns)
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(and(eq(apiKeys.keyHash, hash as string), isNull(apiKeys.revokedAt), eq(users.active, true)));
  const sessionQuery = (hash: unknown, at: unknown) =>
    db
      .select({ userId: sessions.userId })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.tokenHash, hash as string),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, at as string),
          eq(users.active, true),
        ),
      );
  const userQuery = (id: unknown) =>
    db
      .select()
      .from(users)
      .where(eq(users.id, id as string));
  const targetQuery = (id: unknown) =>
    db
      .select({ active: workflows.active, archivedAt: workflows.archivedAt, versionId: workflows.publishedVersionId })
      .from(workflows)
      .where(eq(workflows.id, id as string));
  const deliveryQuery = (id: unknown, key: unknown) =>
    db
      .select({ executionId: webhookDeliveries.executionId, createdAt: webhookDeliveries.createdAt })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.workflowId, id as string), eq(webhookDeliveries.idempotencyKey, key as string)));
  const auditQuery = (action: string) =>
    db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.id)).limit(50);

  const cases: Array<{
    name: string;
    calls?: number;
    raw: () => unknown;
    prepared?: () => unknown;
    built: () => unknown;
  }> = [];
  {
    const raw = sqlite.prepare(
      `select k.id, k.user_id as userId, k.prefix, k.role, k.last_used_at as lastUsedAt
       from api_keys k join users u on u.id = k.user_id
       where k.key_hash = ? and k.revoked_at is null and u.active = 1`,
    );
    const prepared = liveKeyQuery(sql.placeholder('keyHash')).prepare();
    cases.push({
      name: 'liveApiKey (caller lookup)',
      raw: () => raw.get('hash-1'),
      prepared: () => prepared.get({ keyHash: 'hash-1' }),
      built: () => liveKeyQuery('hash-1').get(),
    });
  }
  {
    const raw = sqlite.prepare(
      `select s.user_id as userId from sessions s join users u on u.id = s.user_id
       where s.token_hash = ? and s.revoked_at is null and s.expires_at > ? and u.active = 1`,
    );
    const prepared = sessionQuery(sql.placeholder('tokenHash'), sql.placeholder('now')).prepare();
    cases.push({
      name: 'liveSessionUserId (caller lookup)',
      raw: () => raw.get('t1', now),
      prepared: () => prepared.get({ tokenHash: 't1', now }),
      built: () => sessionQuery('t1', now).get(),
    });
  }
  {
    const raw = sqlite.prepare(
      `select id, email, name, role, active, created_at as createdAt, updated_at as updatedAt,
         password_changed_at as passwordChangedAt from users where id = ?`,
    );
    const prepared = userQuery(sql.placeholder('id')).prepare();
    cases.push({
      name: 'getUser (caller lookup)',
      raw: () => raw.get('u1'),
      prepared: () => prepared.get({ id: 'u1' }),
      built: () => userQuery('u1').get(),
    });
  }
  {
    const raw = sqlite.prepare(
      'select active, archived_at as archivedAt, published_version_id as versionId from workflows where id = ?',
    );
    const prepared = targetQuery(sql.placeholder('id')).prepare();
    cases.push({
      name: 'webhookTarget (webhook path)',
      raw: () => raw.get('w1'),
      prepared: () => prepared.get({ id: 'w1' }),
      built: () => targetQuery('w1').get(),
    });
  }
  {
    const raw = sqlite.prepare(
      `select execution_id as executionId, created_at as createdAt from webhook_deliveries
       where workflow_id = ? and idempotency_key = ?`,
    );
    const prepared = deliveryQuery(sql.placeholder('id'), sql.placeholder('key')).prepare();
    cases.push({
      name: 'earlierDelivery (webhook path)',
      raw: () => raw.get('w1', 'k'),
      prepared: () => prepared.get({ id: 'w1', key: 'k' }),
      built: () => deliveryQuery('w1', 'k').get(),
    });
  }
  {
    const raw = sqlite.prepare(
      `select id, at, actor_kind as actorKind, actor_id as actorId, actor_label as actorLabel, api_key_id as apiKeyId,
         action, object_type as objectType, object_id as objectId, ip, details
       from audit_log where action = ? order by id desc limit 50`,
    );
    cases.push({
      name: 'listAudit, 50 rows (admin page)',
      calls: 500,
      raw: () => raw.all('workflow.update'),
      built: () => auditQuery('workflow.update').all(),
    });
  }

  console.log(`µs per call, median of ${ROUNDS} rounds (${CALLS.toLocaleString('en')} calls, 500 for lists)`);
  console.log('statement'.padEnd(36), 'raw'.padStart(8), 'drizzle prepared'.padStart(18), 'drizzle built'.padStart(15));
  for (const item of cases) {
    const raw = time(item.raw, item.calls);
    const prepared = item.prepared ? time(item.prepared, item.calls) : Number.NaN;
    const built = time(item.built, item.calls);
    console.log(
      item.name.padEnd(36),
      raw.toFixed(2).padStart(8),
      (Number.isNaN(prepared) ? '-' : prepared.toFixed(2)).padStart(18),
      built.toFixed(2).padStart(15),
    );
  }
} finally {
  store.cleanup();
}
