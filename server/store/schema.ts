/**
 * The whole SQLite data model in one place. Migrations in `migrations/` are generated from this
 * file by `npm run db:generate` and are append-only. Timestamps are ISO-8601 UTC strings (they sort
 * as text); JSON columns hold data that is `unknown` until a zod schema has parsed it.
 */
import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  blob,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

const createdAt = () => text('created_at').notNull();
const json = (name: string) => text(name, { mode: 'json' }).$type<unknown>();

export const ROLES = ['analyst', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    /** Stored as typed; unique ignoring case (the index below), so Ann@x and ann@x are one account. */
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Argon2id PHC string; null for an account that cannot sign in with a password. */
    passwordHash: text('password_hash'),
    /** A deactivated user cannot sign in, and their sessions and API keys stop working. */
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
    passwordChangedAt: text('password_changed_at'),
  },
  (table) => [uniqueIndex('users_email_lower_uq').on(sql`lower(${table.email})`)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: text('expires_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** Set by logout, a password change or deactivation: the token stops working at once. */
    revokedAt: text('revoked_at'),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    /** The user who created the key: it acts for them, never with more rights than they have now. */
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** First characters of the key, shown in lists so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: createdAt(),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
  },
  (table) => [index('api_keys_user_idx').on(table.userId)],
);

export const workflows = sqliteTable(
  'workflows',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** The editor's working copy: well-shaped, possibly invalid. */
    draft: json('draft').notNull(),
    /** Bumped on every draft save; lets two editors detect that they overwrite each other. */
    draftRevision: integer('draft_revision').notNull().default(1),
    draftUpdatedAt: text('draft_updated_at').notNull(),
    publishedVersionId: text('published_version_id').references((): AnySQLiteColumn => workflowVersions.id, {
      onDelete: 'set null',
    }),
    /** Schedules and webhooks fire only while a workflow is active. */
    active: integer('active', { mode: 'boolean' }).notNull().default(false),
    /** When it was last activated: a schedule never fires for times before that. */
    activeSince: text('active_since'),
    /** An admin paused the schedule (webhooks keep answering). */
    schedulePaused: integer('schedule_paused', { mode: 'boolean' }).notNull().default(false),
    archivedAt: text('archived_at'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [index('workflows_updated_idx').on(table.updatedAt, table.id)],
);

export const workflowVersions = sqliteTable(
  'workflow_versions',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    graph: json('graph').notNull(),
    message: text('message').notNull().default(''),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('workflow_versions_number_uq').on(table.workflowId, table.number)],
);

export const publications = sqliteTable(
  'publications',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    versionId: text('version_id')
      .notNull()
      .references(() => workflowVersions.id, { onDelete: 'cascade' }),
    /** `rollback` when the version published is older than the one it replaced. */
    kind: text('kind', { enum: ['publish', 'rollback'] }).notNull(),
    previousVersionId: text('previous_version_id').references(() => workflowVersions.id, { onDelete: 'set null' }),
    publishedBy: text('published_by').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: text('published_at').notNull(),
  },
  (table) => [index('publications_workflow_idx').on(table.workflowId, table.publishedAt)],
);

/** `waiting`: not ended, with only suspended steps left (a wait, an approval): it holds no worker. */
export const EXECUTION_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'] as const;
/**
 * `error`: a run of an error workflow, started by another workflow's failed run (or a test error).
 * `subworkflow`: started by a `flow.subworkflow` step of another run (its parent, `parent_execution_id`).
 */
export const TRIGGER_KINDS = ['manual', 'schedule', 'webhook', 'retry', 'test', 'error', 'subworkflow'] as const;

export const executions = sqliteTable(
  'executions',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    /** The exact version run; null for a test run of the draft, which keeps `graph` instead. */
    versionId: text('version_id').references(() => workflowVersions.id),
    graph: json('graph'),
    trigger: text('trigger', { enum: TRIGGER_KINDS }).notNull(),
    triggerPayload: json('trigger_payload'),
    status: text('status', { enum: EXECUTION_STATUSES }).notNull(),
    error: json('error'),
    retryOf: text('retry_of').references((): AnySQLiteColumn => executions.id, { onDelete: 'set null' }),
    /**
     * The first execution of this one's retry chain (its own id for a first run; null in rows older
     * than the column, meaning the same). Not a reference: actions derive their idempotency keys
     * from it, so it must outlive the first execution's deletion by retention.
     */
    retryChain: text('retry_chain'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    /**
     * A sub-workflow run: the step attempt of the run that called it (`flow.subworkflow`), which
     * waits for its result. Null for runs started any other way. Deleting the parent (retention)
     * keeps the child, unlinked.
     */
    parentExecutionId: text('parent_execution_id').references((): AnySQLiteColumn => executions.id, {
      onDelete: 'set null',
    }),
    parentNodeId: text('parent_node_id'),
    parentScope: text('parent_scope'),
    parentAttempt: integer('parent_attempt'),
    /** How deep in a chain of sub-workflow calls this run is: 0 for a run nobody called. */
    callDepth: integer('call_depth').notNull().default(0),
    /**
     * For a run of an error workflow: the failed run it reports. Unique, so a failure starts its
     * error workflow once however often the start is attempted.
     */
    errorOf: text('error_of').references((): AnySQLiteColumn => executions.id, { onDelete: 'set null' }),
    /**
     * The workspace variables (`{{ vars.NAME }}`) as they were when the run was created, name →
     * value: every step of the run reads these, whatever an admin changes meanwhile; a retry from
     * the failed step keeps them, a sub-workflow run gets its caller's. Null in rows older than
     * the column (no variables).
     */
    vars: text('vars', { mode: 'json' }).$type<Record<string, string>>(),
    createdAt: createdAt(),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
  },
  (table) => [
    uniqueIndex('executions_error_of_uq').on(table.errorOf),
    index('executions_workflow_idx').on(table.workflowId, table.createdAt),
    // One child per calling step attempt (a retried job starts none twice); also how a run's children are listed.
    uniqueIndex('executions_parent_step_idx').on(
      table.parentExecutionId,
      table.parentNodeId,
      table.parentScope,
      table.parentAttempt,
    ),
    index('executions_status_idx').on(table.status, table.createdAt),
    index('executions_created_idx').on(table.createdAt),
    // Deleting an execution (retention) looks up the retries that point at it: without this, a full scan per row.
    index('executions_retry_of_idx').on(table.retryOf),
  ],
);

/** `waiting`: suspended until something outside the step resumes it (docs/architecture.md, invariant "suspended steps"). */
export const STEP_STATUSES = ['running', 'waiting', 'succeeded', 'failed', 'skipped', 'canceled'] as const;

export const stepRuns = sqliteTable(
  'step_runs',
  {
    id: text('id').primaryKey(),
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    /** The iteration path inside loops ("" at top level, "3/7" nested): see nodes/step.ts. */
    scope: text('scope').notNull().default(''),
    attempt: integer('attempt').notNull(),
    status: text('status', { enum: STEP_STATUSES }).notNull(),
    input: json('input'),
    output: json('output'),
    outputPort: text('output_port'),
    error: json('error'),
    /**
     * The whole output, when `output` holds the truncated marker of one over the size cap: later
     * steps of the run (and a retry that resumes it) still need all of it. Working data, not a
     * record: cleared by retention once the run has succeeded or was canceled.
     */
    outputFull: json('output_full'),
    /**
     * What an action sent (an HTTP step: method, URL, headers, body), for people reading the run:
     * every credential secret masked, capped like inputs. Not part of the output later steps get.
     */
    request: json('request'),
    /** Set when input or output exceeded the size cap and was stored truncated. */
    truncated: integer('truncated', { mode: 'boolean' }).notNull().default(false),
    /** The worker process running (or that ran) this attempt. */
    workerId: text('worker_id'),
    /**
     * The queue job that claimed this attempt. The same job retried after a crash takes the
     * attempt over; any other job for it (a duplicate) leaves it alone.
     */
    jobId: text('job_id'),
    /** For a failed attempt with another one scheduled: when it runs. Null on a final failure. */
    retryAt: text('retry_at'),
    /** Successors start no earlier than this (set by a delay). */
    continueAt: text('continue_at'),
    /**
     * What a `waiting` (suspended) attempt waits for, as JSON `{ kind, … }` (a loop keeps its
     * progress here); null once it is resumed, and for every other status.
     */
    wait: json('wait'),
    /** Copied from the failed run this one retries, not executed again. */
    reused: integer('reused', { mode: 'boolean' }).notNull().default(false),
    /**
     * A failed attempt its node's settings handled (`onError`: continue or error port): the run
     * went on from it by `output_port` with `output`, and the run's outcome ignores it.
     */
    handled: integer('handled', { mode: 'boolean' }).notNull().default(false),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (table) => [
    // Results are stored exactly once per (execution, node, scope, attempt), however often a step
    // runs (docs/architecture.md, invariant "unique step"). Also the index of every step lookup.
    uniqueIndex('step_runs_step_attempt_uq').on(table.executionId, table.nodeId, table.scope, table.attempt),
    // The few steps that keep a whole output beside a capped one, for retention to find.
    index('step_runs_output_full_idx').on(table.executionId).where(sql`${table.outputFull} is not null`),
    // A step's finish plans its own scope only (one loop iteration's steps), and the API pages
    // steps by scope: neither reads the whole run.
    index('step_runs_scope_idx').on(table.executionId, table.scope),
  ],
);

export const ITERATION_STATUSES = ['succeeded', 'failed', 'skipped'] as const;

/**
 * How each iteration of a loop's step ended, recorded once when its last step settles
 * (server/core/engine/loops.ts): what the loop's progress counts, its output is gathered from in
 * item order, and the execution API pages. `skipped`: its end node did not run, so it gives no
 * output; `failed`: a step of it failed for good (its error is kept here).
 */
export const loopIterations = sqliteTable(
  'loop_iterations',
  {
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    /** The loop node. */
    nodeId: text('node_id').notNull(),
    /** The scope of the loop's own step ("" for a top-level loop); the iteration's is `<scope>/<idx>`. */
    scope: text('scope').notNull().default(''),
    idx: integer('idx').notNull(),
    status: text('status', { enum: ITERATION_STATUSES }).notNull(),
    error: json('error'),
    finishedAt: text('finished_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.executionId, table.nodeId, table.scope, table.idx] })],
);

/**
 * A waiting loop step's progress, one small row per loop step, updated once per iteration: kept
 * apart from its `step_runs` row, which holds the loop's whole list (updating that row would
 * rewrite the list every time).
 */
export const loopProgress = sqliteTable(
  'loop_progress',
  {
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    scope: text('scope').notNull().default(''),
    attempt: integer('attempt').notNull(),
    /** `LoopProgress` (server/core/engine/loops.ts) as JSON: total, started, ended, the batch pause. */
    progress: json('progress').notNull(),
  },
  (table) => [primaryKey({ columns: [table.executionId, table.nodeId, table.scope, table.attempt] })],
);

export const scheduleFires = sqliteTable(
  'schedule_fires',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    /** The cron slot, not the wall-clock moment it was taken: a slot fires once. */
    fireTime: text('fire_time').notNull(),
    executionId: text('execution_id').references(() => executions.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.workflowId, table.fireTime] }),
    // Deleting an execution (retention) unlinks its fire: without this, a full scan per row.
    index('schedule_fires_execution_idx').on(table.executionId),
  ],
);

export const credentials = sqliteTable('credentials', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  type: text('type').notNull(),
  /** AES-256-GCM: ciphertext, 12-byte IV and auth tag; the key never touches the database. */
  ciphertext: blob('ciphertext', { mode: 'buffer' }).notNull(),
  iv: blob('iv', { mode: 'buffer' }).notNull(),
  authTag: blob('auth_tag', { mode: 'buffer' }).notNull(),
  keyId: text('key_id').notNull(),
  /**
   * Where the credential may be sent: `scheme://host[:port][/path prefix]` strings. Empty: nowhere
   * (docs/security.md). Migration 0009 filled it for existing credentials from their published uses.
   */
  allowedTargets: text('allowed_targets', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Who may use it in a workflow besides admins: these roles, and these users. Both empty: every editor. */
  useRoles: text('use_roles', { mode: 'json' }).$type<Role[]>().notNull().default([]),
  useUserIds: text('use_user_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: text('updated_at').notNull(),
});

export const CONNECTION_STATUSES = ['not_connected', 'connected', 'reconnect_needed'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * What a credential of a connecting type (OAuth 2) has obtained: its tokens, sealed like a secret
 * (AES-256-GCM under the master key, bound to `<credential id>/tokens`), and in the clear what the
 * credentials page shows: how it stands, the scopes granted, when the access token expires.
 */
export const credentialConnections = sqliteTable('credential_connections', {
  credentialId: text('credential_id')
    .primaryKey()
    .references(() => credentials.id, { onDelete: 'cascade' }),
  status: text('status', { enum: CONNECTION_STATUSES }).notNull(),
  /** Connected by an admin in the browser (authorization code), or by the server alone (client credentials). */
  interactive: integer('interactive', { mode: 'boolean' }).notNull(),
  /** Asked for until connected; then the ones granted. */
  scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** The access token's expiry; null: unknown (the provider said none) or no token. */
  expiresAt: text('expires_at'),
  /** Why it needs reconnecting (the provider's error), when it does. */
  problem: text('problem'),
  connectedAt: text('connected_at'),
  connectedBy: text('connected_by').references(() => users.id, { onDelete: 'set null' }),
  /** The sealed tokens `{ accessToken, refreshToken?, expiresAt? }`; null before the first. */
  ciphertext: blob('ciphertext', { mode: 'buffer' }),
  iv: blob('iv', { mode: 'buffer' }),
  authTag: blob('auth_tag', { mode: 'buffer' }),
  keyId: text('key_id'),
  updatedAt: text('updated_at').notNull(),
});

/**
 * Authorizations an admin started ("Connect") and the provider has not sent back yet: single use,
 * short-lived, bound to that admin and to their browser (a cookie carries the state). Keyed by the
 * SHA-256 of the state; the PKCE verifier is sealed under the master key.
 */
export const oauthAuthorizations = sqliteTable(
  'oauth_authorizations',
  {
    stateHash: text('state_hash').primaryKey(),
    credentialId: text('credential_id')
      .notNull()
      .references(() => credentials.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Sent with the authorization and again with the code: they must be the same. */
    redirectUri: text('redirect_uri').notNull(),
    ciphertext: blob('ciphertext', { mode: 'buffer' }).notNull(),
    iv: blob('iv', { mode: 'buffer' }).notNull(),
    authTag: blob('auth_tag', { mode: 'buffer' }).notNull(),
    keyId: text('key_id').notNull(),
    expiresAt: text('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('oauth_authorizations_expires_idx').on(table.expiresAt)],
);

/**
 * Workspace variables: non-secret values admins manage once (a base URL, a team's channel) that
 * every workflow reads as `{{ vars.NAME }}`. Not encrypted and readable by every signed-in role:
 * secrets belong in `credentials`. A run reads them all once, when it is created (`executions.vars`).
 */
export const variables = sqliteTable('variables', {
  id: text('id').primaryKey(),
  /** An identifier (`[A-Za-z_][A-Za-z0-9_]*`), unique as typed: `vars.NAME` is case-sensitive. */
  name: text('name').notNull().unique(),
  value: text('value').notNull(),
  description: text('description').notNull().default(''),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: text('updated_at').notNull(),
});

/** `anonymous`: a failed sign-in, where nobody is known yet. */
export const AUDIT_ACTOR_KINDS = ['user', 'api_key', 'system', 'webhook', 'anonymous'] as const;

/** Append-only (a trigger refuses updates and deletes): who did what to which object, when. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    /** The user acting (directly or through one of their API keys); null for the system. */
    actorId: text('actor_id'),
    actorKind: text('actor_kind', { enum: AUDIT_ACTOR_KINDS }).notNull(),
    /** Email (and key prefix) at the time: readable even after the user is renamed. */
    actorLabel: text('actor_label').notNull().default(''),
    apiKeyId: text('api_key_id'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    ip: text('ip'),
    details: json('details'),
  },
  (table) => [
    index('audit_log_at_idx').on(table.at),
    index('audit_log_object_idx').on(table.objectType, table.objectId),
    index('audit_log_actor_idx').on(table.actorId, table.at),
    index('audit_log_action_idx').on(table.action, table.at),
  ],
);

/** Webhook deliveries seen with an idempotency key: a repeat within the window starts no second run. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    executionId: text('execution_id').references(() => executions.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.workflowId, table.idempotencyKey] }),
    index('webhook_deliveries_created_idx').on(table.createdAt),
    // Pruning an execution sets this null; without an index each delete would scan the table.
    index('webhook_deliveries_execution_idx').on(table.executionId),
  ],
);

/**
 * Which step answered a run's webhook: the first Respond to webhook step stored. Its primary key on
 * the execution makes "first" a guarded write, taken in the transaction that stores the step's
 * result (server/core/engine/respond.ts); a later responder finds the row and is stored as ignored.
 */
export const webhookResponses = sqliteTable('webhook_responses', {
  executionId: text('execution_id')
    .primaryKey()
    .references(() => executions.id, { onDelete: 'cascade' }),
  nodeId: text('node_id').notNull(),
  scope: text('scope').notNull(),
  attempt: integer('attempt').notNull(),
  createdAt: createdAt(),
});

/**
 * Signed webhook requests already accepted, remembered until their signature's timestamp leaves
 * the tolerance window: within it a copy would verify again, so a repeat is refused (a replay).
 */
export const webhookSignatures = sqliteTable(
  'webhook_signatures',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    /** The HMAC digest, lower-case hex. */
    digest: text('digest').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.workflowId, table.digest] }),
    index('webhook_signatures_expires_idx').on(table.expiresAt),
  ],
);

/**
 * Failed sign-ins, counted per (account as typed, client address): one address's failures lock
 * only that address out of that account, never the account for everyone nor the address for
 * every account. A row is forgotten after a quiet while, and at the pair's successful sign-in.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    /** The email as typed, trimmed and lower-cased, whether or not such an account exists. */
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    failures: integer('failures').notNull(),
    lastFailureAt: text('last_failure_at').notNull(),
    /** Until when this pair is refused; '' when it is not. */
    lockedUntil: text('locked_until').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.email, table.ip] }),
    index('login_failures_last_failure_idx').on(table.lastFailureAt),
  ],
);

/**
 * "Listen for a test request" on a draft's webhook trigger: one test URL per workflow (arming again
 * replaces it), taken once, until it expires. The URL's token is stored as its SHA-256 only, as
 * session tokens are. The captured request is the draft's test payload; it starts no run.
 */
export const webhookTests = sqliteTable(
  'webhook_tests',
  {
    workflowId: text('workflow_id')
      .primaryKey()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    /** The draft's webhook trigger node the test listens for. */
    nodeId: text('node_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    armedBy: text('armed_by'),
    armedAt: text('armed_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    /** Set once, by the one request taken. */
    capturedAt: text('captured_at'),
    /** `{ method, path, headers, query, body }`, as the trigger would hand it to a run. */
    payload: json('payload'),
    /** The last request refused while listening (`{ at, status, message }`), so the editor can say why. */
    refusal: json('refusal'),
  },
  (table) => [uniqueIndex('webhook_tests_token_idx').on(table.tokenHash)],
);

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'timed-out', 'canceled'] as const;

/**
 * A person's decision a suspended `flow.wait` step (approval mode) waits for: opened with the step's
 * `waiting` row, closed with its resumption or its run's cancel, in the same transaction
 * (server/store/approvals.ts). Who may decide: `role` or a higher one.
 */
export const approvals = sqliteTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    scope: text('scope').notNull().default(''),
    attempt: integer('attempt').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Rendered when the step suspended (its expressions evaluated then). */
    title: text('title').notNull(),
    message: text('message').notNull(),
    status: text('status', { enum: APPROVAL_STATUSES }).notNull(),
    /** When it times out (leaves by `timeout`), if it does. */
    expiresAt: text('expires_at'),
    decidedBy: text('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: text('decided_at'),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('approvals_step_uq').on(table.executionId, table.nodeId, table.scope, table.attempt),
    index('approvals_status_idx').on(table.status, table.createdAt),
  ],
);
