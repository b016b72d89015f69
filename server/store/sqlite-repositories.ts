import * as apiKeys from './api-keys.ts';
import * as approvals from './approvals.ts';
import * as audit from './audit.ts';
import { type ConnectionLock, connectionLock } from './connection-lock.ts';
import * as connections from './credential-connections.ts';
import * as credentials from './credentials.ts';
import { openStore, type Store } from './db.ts';
import * as executions from './executions.ts';
import { flushGroupCommit } from './group-commit.ts';
import * as loginFailures from './login-failures.ts';
import * as loops from './loops.ts';
import * as publications from './publications.ts';
import type { Repositories, StorePort } from './repositories.ts';
import * as retention from './retention.ts';
import * as schedules from './schedules.ts';
import * as sessions from './sessions.ts';
import * as steps from './steps.ts';
import * as transfer from './transfer.ts';
import * as users from './users.ts';
import * as variables from './variables.ts';
import * as versions from './versions.ts';
import * as webhookTests from './webhook-tests.ts';
import * as webhooks from './webhooks.ts';
import * as workflows from './workflows.ts';

/** How a repository call reaches the connection: through the lock, or inside the open transaction. */
type Run = <T>(work: () => T) => Promise<T>;

const settle: Run = (work) => {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
};

/** Runs a synchronous batch generator one batch per `next`, each batch through `run`. */
async function* batches(run: Run, start: () => Generator<number, void, undefined>): AsyncGenerator<number> {
  const generator = start();
  try {
    for (;;) {
      const next = await run(() => generator.next());
      if (next.done) return;
      yield next.value;
    }
  } finally {
    generator.return(undefined);
  }
}

/**
 * The repositories over the functions of `server/store/<resource>.ts`. Each of those is synchronous
 * (better-sqlite3) and runs whole inside `run`; the ones that need several statements to agree
 * (a version's number, a publication, the last admin) keep their own immediate transaction, which
 * inside a `transaction` becomes a savepoint of it.
 */
function repositories(store: Store, run: Run): Repositories {
  const { db, sqlite } = store;
  return {
    workflows: {
      insert: (values) => run(() => workflows.insertWorkflow(db, values)),
      get: (id) => run(() => workflows.getWorkflow(db, id)),
      getListItem: (id) => run(() => workflows.getWorkflowListItem(db, id)),
      list: (options) => run(() => workflows.listWorkflows(db, options)),
      update: (id, patch) => run(() => workflows.updateWorkflow(db, id, patch)),
      delete: (id) => run(() => workflows.deleteWorkflow(db, id)),
      saveDraft: (id, draft, expectedRevision) => run(() => workflows.saveDraft(db, id, draft, expectedRevision)),
      import: (values) => run(() => transfer.importWorkflow(db, values)),
      insertVersion: (values) => run(() => versions.insertVersion(db, values)),
      listVersions: (workflowId) => run(() => versions.listVersions(db, workflowId)),
      listVersionsWithGraphs: (workflowId) => run(() => versions.listVersionsWithGraphs(db, workflowId)),
      getVersionByNumber: (workflowId, number) => run(() => versions.getVersionByNumber(db, workflowId, number)),
      getVersion: (id) => run(() => versions.getVersionById(db, id)),
      versionGraph: (versionId) => run(() => schedules.versionGraph(db, versionId)),
      publish: (values) => run(() => publications.publishVersion(db, values)),
      listPublications: (workflowId) => run(() => publications.listPublications(db, workflowId)),
    },
    schedules: {
      listPublished: () => run(() => schedules.listPublishedWorkflows(db)),
      claimFire: (workflowId, fireTime, executionId) =>
        run(() => schedules.claimFire(db, workflowId, fireTime, executionId)),
      fireClaim: (workflowId, fireTime) => (executionId) => schedules.claimFire(db, workflowId, fireTime, executionId),
      lastScheduledRun: (workflowId) => run(() => schedules.lastScheduledRun(db, workflowId)),
      setPaused: (workflowId, paused) => run(() => schedules.setSchedulePaused(db, workflowId, paused)),
      pruneFires: (options) => batches(run, () => retention.pruneScheduleFireBatches(db, options)),
    },
    webhookTests: {
      arm: (values) => run(() => webhookTests.armWebhookTest(db, values)),
      get: (workflowId) => run(() => webhookTests.getWebhookTest(db, workflowId)),
      byToken: (tokenHash) => run(() => webhookTests.webhookTestByToken(db, tokenHash)),
      capture: (tokenHash, payload, now) => run(() => webhookTests.captureWebhookTest(db, tokenHash, payload, now)),
      refuse: (tokenHash, refusal) => run(() => webhookTests.refuseWebhookTest(db, tokenHash, refusal)),
    },
    webhooks: {
      target: (workflowId) => run(() => webhooks.webhookTarget(db, workflowId)),
      earlierDelivery: (workflowId, key, windowMs) =>
        run(() => webhooks.earlierDelivery(db, workflowId, key, windowMs)),
      recordDelivery: (workflowId, key, windowMs, executionId) =>
        run(() => webhooks.recordDelivery(db, workflowId, key, windowMs, executionId)),
      deliveryRecord: (workflowId, key, windowMs) => (executionId) =>
        webhooks.recordDelivery(db, workflowId, key, windowMs, executionId),
      forgetDelivery: (workflowId, key, executionId) =>
        run(() => webhooks.forgetDelivery(db, workflowId, key, executionId)),
      rememberSignature: (workflowId, digest, expiresAt) =>
        run(() => webhooks.rememberSignature(db, workflowId, digest, expiresAt)),
      forgetSignature: (workflowId, digest) => run(() => webhooks.forgetSignature(db, workflowId, digest)),
      succeededSteps: (executionId) => run(() => webhooks.succeededStepsOf(db, executionId)),
      stepOutput: (executionId, step) => run(() => webhooks.wholeStepOutput(db, executionId, step)),
      answer: (executionId) => run(() => webhooks.webhookAnswer(db, executionId)),
      pruneDeliveries: (options) => batches(run, () => retention.pruneDeliveryBatches(db, options)),
    },
    credentials: {
      insert: (key, values) => run(() => credentials.insertCredential(db, key, values)),
      list: () => run(() => credentials.listCredentials(db)),
      get: (id) => run(() => credentials.getCredential(db, id)),
      update: (id, patch) => run(() => credentials.updateCredential(db, id, patch)),
      listChoices: () => run(() => credentials.listCredentialChoices(db)),
      delete: (id) => run(() => credentials.deleteCredential(db, id)),
      secret: (key, id) => run(() => credentials.credentialSecret(db, key, id)),
      runUser: (executionId) => run(() => credentials.runUser(db, executionId)),
      rotate: (from, to) => run(() => credentials.rotateCredentials(db, from, to)),
      connection: (key, id) => run(() => connections.openConnection(db, key, id)),
      storeTokens: (key, id, values) => run(() => connections.storeTokens(db, key, id, values)),
      markReconnectNeeded: (id, problem) => run(() => connections.markReconnectNeeded(db, id, problem)),
      disconnect: (id) => run(() => connections.disconnect(db, id)),
      startAuthorization: (key, values) => run(() => connections.insertAuthorization(db, key, values)),
      takeAuthorization: (key, stateHash) => run(() => connections.takeAuthorization(db, key, stateHash)),
    },
    variables: {
      insert: (values) => run(() => variables.insertVariable(db, values)),
      list: () => run(() => variables.listVariables(db)),
      get: (id) => run(() => variables.getVariable(db, id)),
      update: (id, patch) => run(() => variables.updateVariable(db, id, patch)),
      delete: (id) => run(() => variables.deleteVariable(db, id)),
    },
    users: {
      insert: (values) => run(() => users.insertUser(db, values)),
      insertFirst: (values) => run(() => users.insertFirstUser(db, values)),
      count: () => run(() => users.countUsers(db)),
      get: (id) => run(() => users.getUser(db, id)),
      getForLogin: (email) => run(() => users.getUserForLogin(db, email)),
      getPasswordHash: (id) => run(() => users.getPasswordHash(db, id)),
      list: () => run(() => users.listUsers(db)),
      setPasswordHash: (id, passwordHash) => run(() => users.setPasswordHash(db, id, passwordHash)),
      update: (id, patch) => run(() => users.updateUser(db, id, patch)),
      displayName: (id) => run(() => users.userDisplayName(db, id)),
    },
    sessions: {
      insert: (values) => run(() => sessions.insertSession(db, values)),
      liveUserId: (tokenHash, now) => run(() => sessions.liveSessionUserId(db, tokenHash, now)),
      revoke: (tokenHash) => run(() => sessions.revokeSession(db, tokenHash)),
      revokeForUser: (userId, keepTokenHash) => run(() => sessions.revokeUserSessions(db, userId, keepTokenHash)),
      deleteDead: (now) => run(() => sessions.deleteDeadSessions(db, now)),
    },
    loginFailures: {
      get: (email, ip, forgetAfterMs, now) =>
        run(() => loginFailures.getLoginFailure(db, email, ip, forgetAfterMs, now)),
      record: (email, ip, policy, now) => run(() => loginFailures.recordLoginFailure(db, email, ip, policy, now)),
      clear: (email, ip) => run(() => loginFailures.clearLoginFailures(db, email, ip)),
      prune: (before, now) => run(() => loginFailures.pruneLoginFailures(db, before, now)),
    },
    apiKeys: {
      insert: (values) => run(() => apiKeys.insertApiKey(db, values)),
      get: (id) => run(() => apiKeys.getApiKey(db, id)),
      list: (userId) => run(() => apiKeys.listApiKeys(db, userId)),
      live: (keyHash) => run(() => apiKeys.liveApiKey(db, keyHash)),
      touch: (id, at) => run(() => apiKeys.touchApiKey(db, id, at)),
      revoke: (id) => run(() => apiKeys.revokeApiKey(db, id)),
      revokeForUser: (userId) => run(() => apiKeys.revokeUserApiKeys(db, userId)),
    },
    audit: {
      append: (entry) => run(() => audit.appendAudit(db, entry)),
      list: (filter) => run(() => audit.listAudit(db, filter)),
    },
    approvals: {
      list: (filter) => run(() => approvals.listApprovals(db, filter)),
      get: (id) => run(() => approvals.getApproval(db, id)),
      countPending: () => run(() => approvals.countPendingApprovals(db)),
      deciderRecord: (step, userId, comment) => () => approvals.recordDecider(db, step, userId, comment),
    },
    executions: {
      list: (filter) => run(() => executions.listExecutions(db, filter)),
      get: (id) => run(() => executions.getExecution(sqlite, id)),
      labels: (id) => run(() => executions.getExecutionLabels(db, id)),
      family: (id) => run(() => executions.getExecutionFamily(db, id)),
      status: (id) => run(() => executions.getExecutionStatus(sqlite, id)),
      count: (workflowId) => run(() => executions.countExecutions(db, workflowId)),
      steps: (executionId, scope) => run(() => steps.listStepRuns(sqlite, executionId, scope)),
      iterationCounts: (executionId, nodes) => run(() => loops.iterationCounts(sqlite, executionId, nodes)),
      iterations: (query) => run(() => loops.listLoopIterations(sqlite, query)),
      prune: (policy) => batches(run, () => retention.pruneBatches(db, policy)),
      clearSpentOutputs: (endedBefore) => run(() => steps.clearSpentOutputs(sqlite, endedBefore)),
      reclaimSpace: () => run(() => retention.reclaimSpace(db)),
    },
  };
}

/** Opens (creating and migrating when needed) the SQLite file as the store port; `close` closes the file. */
export function openRepositories(file: string): StorePort {
  return sqliteRepositories(openStore(file));
}

/** Thrown by a call on a transaction's `tx` after the transaction ended. */
export class TransactionEnded extends Error {
  override name = 'TransactionEnded';
}

/**
 * The store port on an open SQLite store. Calls run at once while no transaction is open; a
 * `transaction` takes the connection (`ConnectionLock`, shared with every other store on it) from
 * BEGIN IMMEDIATE to COMMIT, and calls made meanwhile by anyone else wait for it.
 */
export function sqliteRepositories(store: Store): StorePort {
  const { sqlite } = store;
  const lock: ConnectionLock = connectionLock(sqlite);
  return {
    // A worker's engine writes may be grouped in an open transaction: it commits first.
    ...repositories(store, (work) =>
      lock.run(() => {
        flushGroupCommit(sqlite);
        return work();
      }),
    ),
    transaction(fn) {
      let open = true;
      const tx = repositories(store, (work) =>
        open
          ? settle(work)
          : Promise.reject(new TransactionEnded('this transaction has ended: use the store, or a new transaction')),
      );
      return lock.exclusive(
        async () => {
          try {
            return await fn(tx);
          } finally {
            open = false;
          }
        },
        // Raw SQL, kept: drizzle's transactions take a synchronous callback, this one spans awaits.
        {
          begin: () => {
            flushGroupCommit(sqlite);
            sqlite.exec('BEGIN IMMEDIATE');
          },
          commit: () => sqlite.exec('COMMIT'),
          rollback: () => {
            if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          },
        },
      );
    },
    async close() {
      await lock.idle();
      store.close();
    },
  };
}
