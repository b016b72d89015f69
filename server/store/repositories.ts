/**
 * The store's port: one async repository per aggregate, bundled as `Repositories`, and a
 * `transaction` that spans them. The API, auth, the CLI, the scheduler and retention reach
 * records only through these; `sqlite-repositories.ts` implements them on SQLite, and a second
 * implementation (PostgreSQL, for several machines) runs the same suite (`store-suite.ts`).
 * The engine's own side (starting runs, claiming and storing steps) is its run store.
 *
 * Glossary: a workflow has a mutable draft, immutable versions numbered 1..n, and publications
 * (which version went live when, a rollback being the publication of an older one). An execution
 * is one run of a version (or of a draft copy); its step runs are the attempts of its steps.
 */

import type { StepId } from '../../nodes/step.ts';
/** The key credentials are sealed with (`server/security/master-key.ts`). */
import type { MasterKey } from '../security/master-key.ts';
import type { ApiKeyRow } from './api-keys.ts';
import type { ApprovalRow, ApprovalStatus } from './approvals.ts';
import type { AuditEntry, AuditEntryInput, AuditFilter } from './audit.ts';
import type { OpenConnection, PendingAuthorization, storeTokens } from './credential-connections.ts';
import type { CredentialChoice, CredentialLimits, CredentialSummary, OpenCredential } from './credentials.ts';
import type { ExecutionFamily, ExecutionFilter, ExecutionLabels, ExecutionRow, ExecutionStatus } from './executions.ts';
import type { FailurePolicy, LoginFailure } from './login-failures.ts';
import type { IterationCounts, listLoopIterations } from './loops.ts';
import type { PublicationListItem, PublishResult } from './publications.ts';
import type { BookkeepingPrune, Reclaimed, RetentionPolicy } from './retention.ts';
import type { PublishedWorkflow, ScheduledRun } from './schedules.ts';
import type { Role } from './schema.ts';
import type { StepRunRow } from './steps.ts';
import type { UserRow } from './users.ts';
import type { VariableRow } from './variables.ts';
import type { VersionRow, VersionSummary } from './versions.ts';
import type { WebhookTestRow } from './webhook-tests.ts';
import type { StoredStep, WebhookTarget } from './webhooks.ts';
import type { DraftSave, ListPosition, WorkflowListItem, WorkflowRow } from './workflows.ts';

/**
 * A write the engine runs inside its own, synchronous, run-insert transaction (`startRun`'s
 * `alongside`): a schedule slot's claim, a webhook delivery's key. Answers false when another run
 * holds the row already. A bridge until starting a run takes a `transaction`: only a store that
 * can write synchronously offers it.
 */
export type InlineWrite = (executionId: string) => boolean;

/** Workflows with their drafts, versions and publications. */
export interface WorkflowRepository {
  insert(values: {
    name: string;
    description?: string;
    draft: unknown;
    createdBy?: string | null;
  }): Promise<WorkflowRow>;
  get(id: string): Promise<WorkflowRow | undefined>;
  /** The workflow with its latest and published version numbers and its last run, as lists show it. */
  getListItem(id: string): Promise<WorkflowListItem | undefined>;
  /** Newest change first, after `after` (keyset pagination). */
  list(options: {
    search?: string;
    archived: boolean;
    limit: number;
    after?: ListPosition;
  }): Promise<WorkflowListItem[]>;
  update(
    id: string,
    patch: { name?: string; description?: string; archived?: boolean; active?: boolean },
  ): Promise<WorkflowRow | undefined>;
  /** Deletes it with its versions, publications, executions and step runs. */
  delete(id: string): Promise<boolean>;
  /** Replaces the draft; with `expectedRevision`, refuses (conflict) a draft saved elsewhere meanwhile. */
  saveDraft(id: string, draft: unknown, expectedRevision?: number): Promise<DraftSave>;
  /** A new workflow with its whole version history (numbered 1..n as given), all or nothing. */
  import(values: {
    name: string;
    description: string;
    draft: unknown;
    versions: ReadonlyArray<{ graph: unknown; message: string }>;
  }): Promise<WorkflowRow>;
  /** Appends the next version; two saves at once get two numbers. */
  insertVersion(values: {
    workflowId: string;
    graph: unknown;
    message?: string;
    authorId?: string | null;
  }): Promise<VersionRow>;
  /** Oldest first, without graphs. */
  listVersions(workflowId: string): Promise<VersionSummary[]>;
  listVersionsWithGraphs(workflowId: string): Promise<VersionRow[]>;
  getVersionByNumber(workflowId: string, number: number): Promise<VersionRow | undefined>;
  getVersion(id: string): Promise<VersionRow | undefined>;
  /** A version's graph alone (unparsed JSON), undefined when there is no such version. */
  versionGraph(versionId: string): Promise<unknown>;
  /** Makes a version live and records it (a rollback when older than the live one); unchanged when it is live. */
  publish(values: {
    workflowId: string;
    versionId: string;
    versionNumber: number;
    publishedBy?: string | null;
  }): Promise<PublishResult>;
  /** Newest first. */
  listPublications(workflowId: string): Promise<PublicationListItem[]>;
}

export interface ScheduleRepository {
  /** Live (not archived) workflows with a published version, by name. */
  listPublished(): Promise<PublishedWorkflow[]>;
  /** Takes a cron slot for the execution that runs it; false when it was taken. */
  claimFire(workflowId: string, fireTime: string, executionId: string): Promise<boolean>;
  /** `claimFire` as a write inside the engine's run insert. */
  fireClaim(workflowId: string, fireTime: string): InlineWrite;
  lastScheduledRun(workflowId: string): Promise<ScheduledRun | undefined>;
  /** Pauses or resumes; resuming counts the schedule afresh from now. False for no such workflow. */
  setPaused(workflowId: string, paused: boolean): Promise<boolean>;
  /** Deletes fires no longer needed (each workflow's latest stays), one batch per step of the iteration. */
  pruneFires(options: BookkeepingPrune): AsyncIterable<number>;
}

/** Test URLs of drafts' webhook triggers ("Listen for a test request"): one per workflow, taken once. */
export interface WebhookTestRepository {
  /** Arms the workflow's test URL, replacing an earlier one. */
  arm(values: {
    workflowId: string;
    nodeId: string;
    tokenHash: string;
    armedBy: string | null;
    armedAt?: string;
    expiresAt: string;
  }): Promise<WebhookTestRow>;
  get(workflowId: string): Promise<WebhookTestRow | undefined>;
  byToken(tokenHash: string): Promise<WebhookTestRow | undefined>;
  /** Stores the request as the test's payload when the URL is still open; false when it is not. */
  capture(tokenHash: string, payload: unknown, now?: Date): Promise<boolean>;
  /** Notes why a request to an open test URL was refused. */
  refuse(tokenHash: string, refusal: unknown): Promise<void>;
}

export interface WebhookRepository {
  target(workflowId: string): Promise<WebhookTarget | undefined>;
  /** The execution an earlier delivery with this key started, if within `windowMs`. */
  earlierDelivery(workflowId: string, key: string, windowMs: number): Promise<string | undefined>;
  /** Records a delivery's key with its execution; false when another delivery holds the key. */
  recordDelivery(workflowId: string, key: string, windowMs: number, executionId: string): Promise<boolean>;
  /** `recordDelivery` as a write inside the engine's run insert. */
  deliveryRecord(workflowId: string, key: string, windowMs: number): InlineWrite;
  /** Forgets a delivery whose run could not be queued, so the sender's retry may start it. */
  forgetDelivery(workflowId: string, key: string, executionId: string): Promise<void>;
  /**
   * Remembers an accepted signed request's signature (digest) until `expiresAt` (ISO); false when
   * it is remembered already, i.e. the request is a replay. Expired signatures are pruned meanwhile.
   */
  rememberSignature(workflowId: string, digest: string, expiresAt: string): Promise<boolean>;
  /** Forgets a signature whose request started no run, so the sender's retry is no replay. */
  forgetSignature(workflowId: string, digest: string): Promise<void>;
  /** The run's succeeded step attempts: what its result (workflowResult) is chosen from. */
  succeededSteps(executionId: string): Promise<StoredStep[]>;
  /** A step attempt's whole output (also when the stored one is capped); undefined when it has none. */
  stepOutput(executionId: string, step: StoredStep): Promise<unknown>;
  /** The step that answered the run's webhook (its first Respond to webhook step) and its whole output. */
  answer(executionId: string): Promise<(StoredStep & { output: unknown }) | undefined>;
  /** Deletes deliveries past the idempotency window, one batch per step of the iteration. */
  pruneDeliveries(options: BookkeepingPrune): AsyncIterable<number>;
}

export interface CredentialRepository {
  insert(
    key: MasterKey,
    values: {
      name: string;
      type: string;
      secret: unknown;
      connecting?: { interactive: boolean; scopes: readonly string[] } | undefined;
    } & Partial<CredentialLimits>,
  ): Promise<CredentialSummary>;
  list(): Promise<CredentialSummary[]>;
  get(id: string): Promise<CredentialSummary | undefined>;
  /** Renames it or changes its limits, never its secret; undefined for no such credential. */
  update(id: string, patch: { name?: string } & Partial<CredentialLimits>): Promise<CredentialSummary | undefined>;
  listChoices(): Promise<CredentialChoice[]>;
  delete(id: string): Promise<boolean>;
  /** The decrypted secret; undefined for no such credential; throws when `key` cannot open it. */
  secret(key: MasterKey, id: string): Promise<OpenCredential | undefined>;
  /** Whom a run uses credentials for: its starter, else its version's author (undefined: unknown). */
  runUser(executionId: string): Promise<{ id: string; role: Role; active: boolean } | undefined>;
  /** Re-encrypts every credential from one key to another, all or nothing; answers how many. */
  rotate(from: MasterKey, to: MasterKey): Promise<number>;
  /** A connecting credential's (OAuth 2) state with its tokens opened; undefined for other types. */
  connection(key: MasterKey, id: string): Promise<OpenConnection | undefined>;
  /** Seals fresh tokens and marks it connected (`connected`: by whom, when an admin connected it). */
  storeTokens(key: MasterKey, id: string, values: Parameters<typeof storeTokens>[3]): Promise<void>;
  /** The provider refused a refresh: an admin must connect it again. */
  markReconnectNeeded(id: string, problem: string): Promise<void>;
  /** Forgets its tokens; false when it has no connection. */
  disconnect(id: string): Promise<boolean>;
  /** Remembers an authorization an admin started (the PKCE verifier sealed) until it expires. */
  startAuthorization(
    key: MasterKey,
    values: PendingAuthorization & { stateHash: string; expiresAt: string },
  ): Promise<void>;
  /** Takes a started authorization once (deleted as read); undefined when unknown or expired. */
  takeAuthorization(key: MasterKey, stateHash: string): Promise<PendingAuthorization | undefined>;
}

/**
 * Workspace variables (`{{ vars.NAME }}`): not secret, so read back whole. Runs read them
 * through the engine's run store, once, when they are created.
 */
export interface VariableRepository {
  /** Throws `VariableNameTaken` when the name is taken. */
  insert(values: {
    name: string;
    value: string;
    description?: string;
    createdBy?: string | null;
  }): Promise<VariableRow>;
  /** By name. */
  list(): Promise<VariableRow[]>;
  get(id: string): Promise<VariableRow | undefined>;
  /** Undefined for no such variable; throws `VariableNameTaken` for a name taken by another. */
  update(id: string, patch: { name?: string; value?: string; description?: string }): Promise<VariableRow | undefined>;
  /** What was deleted; undefined for no such variable. */
  delete(id: string): Promise<VariableRow | undefined>;
}

export interface UserRepository {
  /** Throws `EmailTaken` when the email is taken (ignoring case). */
  insert(values: { email: string; name: string; role: Role; passwordHash: string | null }): Promise<UserRow>;
  /** The first user, only while there is none at all (two set-ups at once: one wins). */
  insertFirst(values: { email: string; name: string; role: Role; passwordHash: string }): Promise<UserRow | undefined>;
  count(): Promise<number>;
  get(id: string): Promise<UserRow | undefined>;
  /** By email, ignoring case, with the password hash. */
  getForLogin(email: string): Promise<(UserRow & { passwordHash: string | null }) | undefined>;
  getPasswordHash(id: string): Promise<string | null>;
  /** By email. */
  list(): Promise<UserRow[]>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Throws `LastAdmin` rather than leave no active admin. */
  update(id: string, patch: { role?: Role; active?: boolean; name?: string }): Promise<UserRow | undefined>;
  /** Name, else email; null for none or no such user. */
  displayName(id: string | null): Promise<string | null>;
}

export interface SessionRepository {
  insert(values: {
    tokenHash: string;
    userId: string;
    expiresAt: string;
    ip: string | null;
    userAgent: string | null;
  }): Promise<void>;
  /** The user of a live session: not revoked, not expired, the user active. */
  liveUserId(tokenHash: string, now?: string): Promise<string | undefined>;
  revoke(tokenHash: string): Promise<void>;
  /** Revokes every session of a user but `keepTokenHash`; answers how many. */
  revokeForUser(userId: string, keepTokenHash?: string): Promise<number>;
  /** Deletes expired and revoked sessions; answers how many. */
  deleteDead(now?: string): Promise<number>;
}

/**
 * Failed sign-ins per (account as typed, client address), kept in the store so every API process
 * sees them and a restart forgets nothing.
 */
export interface LoginFailureRepository {
  /** The pair's failures; undefined when it has none, or they were quiet for `forgetAfterMs`. */
  get(email: string, ip: string, forgetAfterMs: number, now?: Date): Promise<LoginFailure | undefined>;
  /** Counts one more failure of the pair and locks it as the policy says, in one transaction. */
  record(email: string, ip: string, policy: FailurePolicy, now?: Date): Promise<LoginFailure>;
  /** Forgets the pair's failures (its sign-in succeeded). */
  clear(email: string, ip: string): Promise<void>;
  /** Deletes pairs quiet since before `before` (ISO) and no longer locked; answers how many. */
  prune(before: string, now?: Date): Promise<number>;
}

export interface ApiKeyRepository {
  insert(values: { userId: string; name: string; prefix: string; keyHash: string; role: Role }): Promise<ApiKeyRow>;
  get(id: string): Promise<ApiKeyRow | undefined>;
  /** Newest first: one user's, or everyone's. */
  list(userId?: string): Promise<ApiKeyRow[]>;
  /** A usable key (not revoked, its creator active) by the hash of its secret. */
  live(
    keyHash: string,
  ): Promise<{ id: string; userId: string; prefix: string; role: Role; lastUsedAt: string | null } | undefined>;
  touch(id: string, at?: string): Promise<void>;
  revoke(id: string): Promise<boolean>;
  /** Revokes every live key of a user, for good; answers how many. */
  revokeForUser(userId: string): Promise<number>;
}

export interface AuditRepository {
  /** Appends; the log is never updated or deleted from. */
  append(entry: AuditEntryInput): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEntry[]>;
}

/** An execution as lists show it: no bulky payloads, with its workflow's name and version number. */
export type ExecutionListItem = Pick<
  ExecutionRow,
  | 'id'
  | 'workflowId'
  | 'versionId'
  | 'trigger'
  | 'status'
  | 'error'
  | 'retryOf'
  | 'parentExecutionId'
  | 'parentNodeId'
  | 'errorOf'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
> &
  ExecutionLabels;

/**
 * Executions as the API and retention read and prune them. Starting, canceling and retrying runs,
 * and everything about steps being run, is the engine's.
 */
export interface ExecutionRepository {
  /** Newest first, filtered, after `filter.after` (keyset pagination). */
  list(filter: ExecutionFilter): Promise<ExecutionListItem[]>;
  get(id: string): Promise<ExecutionRow | undefined>;
  /** Its workflow's name, its version's number and the run that retried it. */
  labels(id: string): Promise<ExecutionLabels>;
  /** The run that called it as a sub-workflow (null if none), and the runs its steps called. */
  family(id: string): Promise<ExecutionFamily>;
  status(id: string): Promise<ExecutionStatus | undefined>;
  count(workflowId?: string): Promise<number>;
  /** Every attempt of every step, in the order they started; of one scope only when `scope` is given. */
  steps(executionId: string, scope?: string): Promise<StepRunRow[]>;
  /** How the iterations of the given loops' top-level steps stand, by loop node id. */
  iterationCounts(executionId: string, loops: readonly string[]): Promise<Map<string, IterationCounts>>;
  /** One page of a loop step's iterations, in item order (server/store/loops.ts). */
  iterations(query: Parameters<typeof listLoopIterations>[1]): Promise<ReturnType<typeof listLoopIterations>>;
  /** Deletes ended executions beyond the policy's age and count, one batch per step of the iteration. */
  prune(policy: RetentionPolicy): AsyncIterable<number>;
  /** Drops whole copies of capped outputs of runs that succeeded before `endedBefore`; answers how many. */
  clearSpentOutputs(endedBefore: string): Promise<number>;
  /** Gives the space of deleted rows back to the file system, where the store keeps one. */
  reclaimSpace(): Promise<Reclaimed>;
}

/** Approvals of `flow.wait` steps, as the inbox reads them; they open and close with their steps (the engine's). */
export interface ApprovalRepository {
  list(filter: { status?: ApprovalStatus; executionId?: string; limit: number }): Promise<ApprovalRow[]>;
  get(id: string): Promise<ApprovalRow | undefined>;
  countPending(): Promise<number>;
  /**
   * Who decided and their comment, as a write for the transaction that resumes the step
   * (`Resumption.alongside`): synchronous, so only a store that can write so offers it.
   */
  deciderRecord(step: StepId, userId: string, comment: string | null): () => void;
}

/** Every repository of the store. */
export interface Repositories {
  readonly approvals: ApprovalRepository;
  readonly workflows: WorkflowRepository;
  readonly schedules: ScheduleRepository;
  readonly webhooks: WebhookRepository;
  readonly webhookTests: WebhookTestRepository;
  readonly credentials: CredentialRepository;
  readonly variables: VariableRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly loginFailures: LoginFailureRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditRepository;
  readonly executions: ExecutionRepository;
}

/**
 * The store as its users hold it. `transaction` runs `fn` in one transaction across repositories
 * through the `tx` it is given (BEGIN IMMEDIATE on SQLite): committed when `fn` resolves, rolled
 * back when it throws. `fn` awaits only `tx` calls: the write lock is held meanwhile, so network
 * calls or password hashing belong before or after it. Other calls on the store wait for it to
 * end; transactions do not nest (refused with `NestedTransaction`).
 */
export type StorePort = Repositories & {
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Waits for an open transaction, then closes the store. */
  close(): Promise<void>;
};
