import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { masterKeyFrom } from '../security/master-key.ts';
import type { ExecutionStatus, TriggerKind } from './executions.ts';
import type { Repositories, StorePort } from './repositories.ts';
import type { RetentionPolicy } from './retention.ts';
import { EmailTaken, LastAdmin } from './users.ts';

/** A store under test, with what the suite cannot do through the port: executions are the engine's to write. */
export interface StoreUnderTest {
  readonly store: StorePort;
  /** Stores an execution as the engine would (queued), ended with `status` when given; answers its id. */
  seedExecution(values: {
    workflowId: string;
    versionId: string | null;
    trigger?: TriggerKind;
    status?: Exclude<ExecutionStatus, 'queued' | 'running' | 'waiting'>;
  }): Promise<string>;
  /**
   * Rows as time would have left them, with chosen ids and timestamps, for retention's tests:
   * ended runs of long ago with their step runs, old delivery keys, old schedule fires.
   */
  seedHistory(history: {
    executions?: readonly SeedExecution[];
    deliveries?: ReadonlyArray<{ workflowId: string; key: string; createdAt: string }>;
    fires?: ReadonlyArray<{ workflowId: string; fireTime: string }>;
  }): Promise<void>;
  /** What pruning leaves that the port does not list: step runs in all, delivery keys, a workflow's fires. */
  inspect(): Promise<{ stepRuns: number; deliveryKeys: string[]; fireTimes: (workflowId: string) => string[] }>;
  cleanup(): Promise<void>;
}

/** An execution as retention finds it, with `steps` step runs (succeeded, one attempt each). */
export interface SeedExecution {
  id: string;
  workflowId: string;
  status: ExecutionStatus;
  createdAt: string;
  /** Defaults to `createdAt`; null for a run that ended without finishing (canceled before it started). */
  finishedAt?: string | null;
  steps?: number;
}

const collect = async (batches: AsyncIterable<number>): Promise<number[]> => {
  const sizes: number[] = [];
  for await (const size of batches) sizes.push(size);
  return sizes;
};

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The store port's behaviour, for any implementation: `describeStore('SQLite', open)` runs it on
 * a fresh store per test. Everything goes through the port (and `seedExecution`), so a second
 * implementation runs the same suite unchanged.
 */
export function describeStore(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`store port: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: StorePort;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(() => subject.cleanup());

    const workflowWithVersions = async (repos: Repositories, count: number, name = 'A') => {
      const workflow = await repos.workflows.insert({ name, draft: {} });
      const versions = [];
      for (let n = 1; n <= count; n++)
        versions.push(await repos.workflows.insertVersion({ workflowId: workflow.id, graph: { n } }));
      return { workflow, versions };
    };

    describe('workflows, drafts, versions and publications', () => {
      it('numbers versions per workflow, independently', async () => {
        const a = await store.workflows.insert({ name: 'A', draft: {} });
        const b = await store.workflows.insert({ name: 'B', draft: {} });
        expect((await store.workflows.insertVersion({ workflowId: a.id, graph: { n: 1 } })).number).toBe(1);
        expect((await store.workflows.insertVersion({ workflowId: a.id, graph: { n: 2 } })).number).toBe(2);
        expect((await store.workflows.insertVersion({ workflowId: b.id, graph: { n: 1 } })).number).toBe(1);
        expect((await store.workflows.listVersions(a.id)).map((version) => version.number)).toEqual([1, 2]);
        const second = await store.workflows.getVersionByNumber(a.id, 2);
        expect(second?.graph).toEqual({ n: 2 });
        expect((await store.workflows.getVersion(second?.id ?? ''))?.number).toBe(2);
        expect(await store.workflows.versionGraph(second?.id ?? '')).toEqual({ n: 2 });
        expect(await store.workflows.versionGraph('missing')).toBeUndefined();
        expect((await store.workflows.listVersionsWithGraphs(a.id)).map((version) => version.graph)).toEqual([
          { n: 1 },
          { n: 2 },
        ]);
      });

      it('gives two versions saved at once two numbers', async () => {
        const workflow = await store.workflows.insert({ name: 'A', draft: {} });
        const saved = await Promise.all(
          Array.from({ length: 5 }, () => store.workflows.insertVersion({ workflowId: workflow.id, graph: {} })),
        );
        expect(saved.map((version) => version.number).sort()).toEqual([1, 2, 3, 4, 5]);
      });

      it('refuses a version of a workflow that does not exist', async () => {
        await expect(store.workflows.insertVersion({ workflowId: 'missing', graph: {} })).rejects.toThrow();
      });

      it('bumps the draft revision on every save and refuses a stale one', async () => {
        const workflow = await store.workflows.insert({ name: 'A', draft: { v: 0 } });
        expect((await store.workflows.saveDraft(workflow.id, { v: 1 }, 1)).kind).toBe('saved');
        expect(await store.workflows.saveDraft(workflow.id, { v: 2 }, 1)).toEqual({
          kind: 'conflict',
          currentRevision: 2,
        });
        expect((await store.workflows.saveDraft(workflow.id, { v: 3 })).kind).toBe('saved');
        expect((await store.workflows.saveDraft('missing', {})).kind).toBe('not_found');
        expect((await store.workflows.get(workflow.id))?.draft).toEqual({ v: 3 });
      });

      it('reports latest and published version numbers and the last run with each workflow', async () => {
        const { workflow, versions } = await workflowWithVersions(store, 2);
        await store.workflows.insert({ name: 'Other', draft: {} });
        await store.workflows.publish({ workflowId: workflow.id, versionId: versions[0]?.id ?? '', versionNumber: 1 });
        const executionId = await subject.seedExecution({
          workflowId: workflow.id,
          versionId: versions[0]?.id ?? null,
          status: 'succeeded',
        });
        expect(await store.workflows.getListItem(workflow.id)).toMatchObject({
          latestVersion: 2,
          publishedVersion: 1,
          lastRun: { executionId, status: 'succeeded' },
        });
        const listed = await store.workflows.list({ archived: false, limit: 10 });
        expect(listed.find((item) => item.name === 'Other')).toMatchObject({
          latestVersion: null,
          publishedVersion: null,
          lastRun: null,
        });
      });

      it('lists newest change first, searches, pages and separates archived workflows', async () => {
        const names = ['Alpha orders', 'Beta', 'Gamma orders'];
        for (const name of names) await store.workflows.insert({ name, draft: {} });
        const all = await store.workflows.list({ archived: false, limit: 10 });
        expect(all.map((item) => item.name)).toEqual([...names].reverse());
        expect(
          (await store.workflows.list({ archived: false, limit: 10, search: 'orders' })).map((i) => i.name),
        ).toEqual(['Gamma orders', 'Alpha orders']);
        const [first] = all;
        const rest = await store.workflows.list({
          archived: false,
          limit: 10,
          after: { updatedAt: first?.updatedAt ?? '', id: first?.id ?? '' },
        });
        expect(rest.map((item) => item.name)).toEqual(['Beta', 'Alpha orders']);
        await store.workflows.update(first?.id ?? '', { archived: true });
        expect((await store.workflows.list({ archived: true, limit: 10 })).map((item) => item.name)).toEqual([
          'Gamma orders',
        ]);
        expect(await store.workflows.list({ archived: false, limit: 10 })).toHaveLength(2);
      });

      it('updates fields, activation (with when) and archiving', async () => {
        const workflow = await store.workflows.insert({ name: 'A', draft: {} });
        const updated = await store.workflows.update(workflow.id, { name: 'B', description: 'd', active: true });
        expect(updated).toMatchObject({ name: 'B', description: 'd', active: true });
        expect(updated?.activeSince).not.toBeNull();
        expect((await store.workflows.update(workflow.id, { archived: true }))?.archivedAt).not.toBeNull();
        expect(await store.workflows.update('missing', { name: 'x' })).toBeUndefined();
      });

      it('records publishes and rollbacks, and nothing for a repeated publish', async () => {
        const { workflow, versions } = await workflowWithVersions(store, 2);
        const [v1, v2] = versions.map((version) => version.id);
        const publish = (versionId = '', versionNumber = 0) =>
          store.workflows.publish({ workflowId: workflow.id, versionId, versionNumber });
        await publish(v2, 2);
        expect((await publish(v2, 2)).kind).toBe('unchanged');
        await publish(v1, 1);
        await publish(v2, 2);
        expect(
          (await store.workflows.listPublications(workflow.id)).map((p) => [
            p.kind,
            p.versionNumber,
            p.previousVersionNumber,
          ]),
        ).toEqual([
          ['publish', 2, 1],
          ['rollback', 1, 2],
          ['publish', 2, null],
        ]);
        expect((await store.workflows.get(workflow.id))?.publishedVersionId).toBe(v2);
      });

      it('deletes a workflow with everything that belongs to it', async () => {
        const { workflow, versions } = await workflowWithVersions(store, 1);
        const version = versions[0]?.id ?? '';
        await store.workflows.publish({ workflowId: workflow.id, versionId: version, versionNumber: 1 });
        const executionId = await subject.seedExecution({ workflowId: workflow.id, versionId: version });
        expect(await store.workflows.delete(workflow.id)).toBe(true);
        expect(await store.workflows.delete(workflow.id)).toBe(false);
        expect(await store.workflows.get(workflow.id)).toBeUndefined();
        expect(await store.workflows.getVersion(version)).toBeUndefined();
        expect(await store.workflows.listPublications(workflow.id)).toEqual([]);
        expect(await store.executions.get(executionId)).toBeUndefined();
        expect(await store.executions.count(workflow.id)).toBe(0);
      });

      it('imports a workflow with its versions', async () => {
        const workflow = await store.workflows.import({
          name: 'Imported',
          description: 'from elsewhere',
          draft: { d: 1 },
          versions: [
            { graph: { n: 1 }, message: 'first' },
            { graph: { n: 2 }, message: 'second' },
          ],
        });
        expect(workflow).toMatchObject({ name: 'Imported', draft: { d: 1 }, publishedVersionId: null });
        expect((await store.workflows.listVersions(workflow.id)).map((v) => [v.number, v.message])).toEqual([
          [1, 'first'],
          [2, 'second'],
        ]);
      });
    });

    describe('accounts', () => {
      it('stores users, one per email ignoring case, and finds them for sign-in', async () => {
        const user = await store.users.insert(account('Ann@Example.test'));
        await expect(store.users.insert(account('ann@example.TEST'))).rejects.toBeInstanceOf(EmailTaken);
        expect(await store.users.get(user.id)).toMatchObject({ email: 'Ann@Example.test', active: true });
        expect(await store.users.getForLogin('ANN@example.test')).toMatchObject({ id: user.id, passwordHash: 'hash' });
        expect(await store.users.count()).toBe(1);
        await store.users.setPasswordHash(user.id, 'other');
        expect(await store.users.getPasswordHash(user.id)).toBe('other');
        expect(await store.users.displayName(user.id)).toBe('Ann@Example.test');
        await store.users.update(user.id, { name: 'Ann' });
        expect(await store.users.displayName(user.id)).toBe('Ann');
        expect(await store.users.displayName(null)).toBeNull();
        expect((await store.users.list()).map((row) => row.id)).toEqual([user.id]);
      });

      it('creates the first user only while there is none, even asked twice at once', async () => {
        const both = await Promise.all([
          store.users.insertFirst(account('a@x.test', 'admin')),
          store.users.insertFirst(account('b@x.test', 'admin')),
        ]);
        expect(both.filter(Boolean)).toHaveLength(1);
        expect(await store.users.count()).toBe(1);
      });

      it('never leaves no active admin', async () => {
        const admin = await store.users.insert(account('a@x.test', 'admin'));
        await expect(store.users.update(admin.id, { role: 'analyst' })).rejects.toBeInstanceOf(LastAdmin);
        await expect(store.users.update(admin.id, { active: false })).rejects.toBeInstanceOf(LastAdmin);
        await store.users.insert(account('b@x.test', 'admin'));
        expect(await store.users.update(admin.id, { active: false })).toMatchObject({ active: false });
        expect(await store.users.update('missing', { name: 'x' })).toBeUndefined();
      });

      it('keeps sessions live until they expire, are revoked or their user is deactivated', async () => {
        const user = await store.users.insert(account('a@x.test', 'admin'));
        await store.users.insert(account('b@x.test', 'admin'));
        const future = new Date(Date.now() + 3_600_000).toISOString();
        const session = (tokenHash: string, expiresAt = future) =>
          store.sessions.insert({ tokenHash, userId: user.id, expiresAt, ip: null, userAgent: null });
        await session('one');
        await session('two');
        await session('three');
        await session('expired', new Date(Date.now() - 1000).toISOString());
        expect(await store.sessions.liveUserId('one')).toBe(user.id);
        expect(await store.sessions.liveUserId('expired')).toBeUndefined();
        await store.sessions.revoke('one');
        expect(await store.sessions.liveUserId('one')).toBeUndefined();
        expect(await store.sessions.revokeForUser(user.id, 'two')).toBe(2); // three, and the expired one
        expect(await store.sessions.liveUserId('two')).toBe(user.id);
        expect(await store.sessions.liveUserId('three')).toBeUndefined();
        await store.users.update(user.id, { active: false });
        expect(await store.sessions.liveUserId('two')).toBeUndefined();
        expect(await store.sessions.deleteDead()).toBe(3);
      });

      it('keeps API keys by hash, live until revoked or their creator is deactivated', async () => {
        const user = await store.users.insert(account('a@x.test'));
        const key = await store.apiKeys.insert({
          userId: user.id,
          name: 'ci',
          prefix: 'sw_abc',
          keyHash: 'h1',
          role: 'analyst',
        });
        expect(key).toMatchObject({ userEmail: 'a@x.test', name: 'ci', lastUsedAt: null, revokedAt: null });
        expect(await store.apiKeys.live('h1')).toMatchObject({ id: key.id, userId: user.id, role: 'analyst' });
        await store.apiKeys.touch(key.id, '2026-01-01T00:00:00.000Z');
        expect((await store.apiKeys.get(key.id))?.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
        expect((await store.apiKeys.list(user.id)).map((row) => row.id)).toEqual([key.id]);
        expect(await store.apiKeys.list('someone-else')).toEqual([]);
        expect(await store.apiKeys.list()).toHaveLength(1);
        expect(await store.apiKeys.revoke(key.id)).toBe(true);
        expect(await store.apiKeys.revoke(key.id)).toBe(false);
        expect(await store.apiKeys.live('h1')).toBeUndefined();
      });

      it('revokes every live key of one user, leaving others’ keys and earlier revocations alone', async () => {
        const user = await store.users.insert(account('k@x.test'));
        const other = await store.users.insert(account('o@x.test'));
        const values = { name: 'ci', prefix: 'sw_abc', role: 'analyst' as const };
        const first = await store.apiKeys.insert({ ...values, userId: user.id, keyHash: 'k1' });
        await store.apiKeys.insert({ ...values, userId: user.id, keyHash: 'k2' });
        await store.apiKeys.insert({ ...values, userId: other.id, keyHash: 'k3' });
        await store.apiKeys.revoke(first.id);
        const revokedAt = (await store.apiKeys.get(first.id))?.revokedAt;
        expect(await store.apiKeys.revokeForUser(user.id)).toBe(1);
        expect(await store.apiKeys.live('k2')).toBeUndefined();
        expect(await store.apiKeys.live('k3')).toBeDefined();
        expect((await store.apiKeys.get(first.id))?.revokedAt).toBe(revokedAt);
      });
    });

    describe('audit log', () => {
      it('appends and lists newest first, filtered and paged', async () => {
        for (const action of ['a.one', 'a.two', 'b.one']) {
          await store.audit.append({
            actorKind: 'system',
            actorId: null,
            actorLabel: 'tests',
            action,
            objectType: 'workflow',
            objectId: action.startsWith('a') ? 'w1' : 'w2',
            details: { action },
          });
        }
        const all = await store.audit.list({ limit: 10 });
        expect(all.map((entry) => entry.action)).toEqual(['b.one', 'a.two', 'a.one']);
        expect(all[0]?.details).toEqual({ action: 'b.one' });
        expect((await store.audit.list({ objectId: 'w1', limit: 10 })).map((e) => e.action)).toEqual([
          'a.two',
          'a.one',
        ]);
        expect((await store.audit.list({ beforeId: all[1]?.id ?? 0, limit: 10 })).map((e) => e.action)).toEqual([
          'a.one',
        ]);
      });
    });

    describe('credentials', () => {
      const key = masterKeyFrom(randomBytes(32));

      it('lists names and types only, opens a secret by id, deletes', async () => {
        const saved = await store.credentials.insert(key, { name: 'Shop', type: 'hmac', secret: { secret: 's3cret' } });
        expect(await store.credentials.list()).toEqual([
          expect.objectContaining({ id: saved.id, name: 'Shop', type: 'hmac' }),
        ]);
        expect(await store.credentials.listChoices()).toEqual([{ id: saved.id, name: 'Shop', type: 'hmac' }]);
        expect(JSON.stringify(await store.credentials.list())).not.toContain('s3cret');
        expect(await store.credentials.secret(key, saved.id)).toMatchObject({
          name: 'Shop',
          type: 'hmac',
          secret: { secret: 's3cret' },
          allowedTargets: [],
        });
        expect(await store.credentials.secret(key, 'missing')).toBeUndefined();
        await expect(store.credentials.secret(masterKeyFrom(randomBytes(32)), saved.id)).rejects.toThrow();
        expect(await store.credentials.delete(saved.id)).toBe(true);
        expect(await store.credentials.list()).toEqual([]);
      });

      it('keeps each credential’s limits, changed without touching the secret', async () => {
        const saved = await store.credentials.insert(key, {
          name: 'Api',
          type: 'bearer',
          secret: { token: 't' },
          allowedTargets: ['https://api.example.com/v1'],
        });
        expect(saved).toMatchObject({ allowedTargets: ['https://api.example.com/v1'], useRoles: [], useUserIds: [] });
        const updated = await store.credentials.update(saved.id, {
          name: 'Api v2',
          allowedTargets: ['https://api.example.com/v2', 'https://backup.example.com'],
          useRoles: ['admin'],
        });
        expect(updated).toMatchObject({
          name: 'Api v2',
          allowedTargets: ['https://api.example.com/v2', 'https://backup.example.com'],
          useRoles: ['admin'],
        });
        expect(await store.credentials.get(saved.id)).toEqual(updated);
        expect(await store.credentials.secret(key, saved.id)).toMatchObject({
          secret: { token: 't' },
          allowedTargets: ['https://api.example.com/v2', 'https://backup.example.com'],
        });
        expect(await store.credentials.update('missing', { name: 'x' })).toBeUndefined();
      });

      it('re-encrypts every credential when the master key is rotated', async () => {
        const ids: string[] = [];
        for (const name of ['a', 'b', 'c']) {
          ids.push((await store.credentials.insert(key, { name, type: 'bearer', secret: { token: name } })).id);
        }
        const next = masterKeyFrom(randomBytes(32));
        expect(await store.credentials.rotate(key, next)).toBe(3);
        for (const [index, id] of ids.entries()) {
          expect((await store.credentials.secret(next, id))?.secret).toEqual({ token: ['a', 'b', 'c'][index] });
          await expect(store.credentials.secret(key, id)).rejects.toThrow();
        }
      });
    });

    describe('credential connections (OAuth 2)', () => {
      const key = masterKeyFrom(randomBytes(32));
      const connecting = { interactive: true, scopes: ['read'] };
      const tokens = { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: '2030-01-01T00:00:00.000Z' };

      it('start not connected, hold sealed tokens once connected, and say when a reconnect is needed', async () => {
        const created = await store.credentials.insert(key, { name: 'o', type: 'oauth2', secret: {}, connecting });
        expect(created.connection).toEqual({
          status: 'not_connected',
          interactive: true,
          scopes: ['read'],
          expiresAt: null,
          problem: null,
          connectedAt: null,
        });
        expect((await store.credentials.insert(key, { name: 'b', type: 'bearer', secret: {} })).connection).toBeNull();
        await store.credentials.storeTokens(key, created.id, {
          tokens,
          interactive: true,
          scopes: ['read', 'write'],
          connected: { by: null },
        });
        expect(await store.credentials.connection(key, created.id)).toMatchObject({
          status: 'connected',
          scopes: ['read', 'write'],
          expiresAt: tokens.expiresAt,
          tokens,
        });
        await store.credentials.markReconnectNeeded(created.id, 'invalid_grant');
        expect((await store.credentials.get(created.id))?.connection).toMatchObject({
          status: 'reconnect_needed',
          problem: 'invalid_grant',
        });
        expect(await store.credentials.disconnect(created.id)).toBe(true);
        expect(await store.credentials.connection(key, created.id)).toMatchObject({
          status: 'not_connected',
          tokens: undefined,
        });
      });

      it('give a started authorization back once, and not after it expired', async () => {
        const credential = await store.credentials.insert(key, { name: 'o', type: 'oauth2', secret: {}, connecting });
        const user = await store.users.insert({
          email: 'connector@x.test',
          name: 'C',
          role: 'admin',
          passwordHash: null,
        });
        const started = {
          credentialId: credential.id,
          userId: user.id,
          redirectUri: 'https://s/cb',
          codeVerifier: 'v',
        };
        const soon = new Date(Date.now() + 60_000).toISOString();
        await store.credentials.startAuthorization(key, { ...started, stateHash: 'h1', expiresAt: soon });
        expect(await store.credentials.takeAuthorization(key, 'h1')).toEqual(started);
        expect(await store.credentials.takeAuthorization(key, 'h1')).toBeUndefined();
        const past = new Date(Date.now() - 1000).toISOString();
        await store.credentials.startAuthorization(key, { ...started, stateHash: 'h2', expiresAt: past });
        expect(await store.credentials.takeAuthorization(key, 'h2')).toBeUndefined();
      });

      it('re-seal tokens when the master key is rotated, and drop authorizations in flight', async () => {
        const credential = await store.credentials.insert(key, { name: 'o', type: 'oauth2', secret: {}, connecting });
        const user = await store.users.insert({
          email: 'rotator@x.test',
          name: 'R',
          role: 'admin',
          passwordHash: null,
        });
        await store.credentials.storeTokens(key, credential.id, { tokens, interactive: true });
        const soon = new Date(Date.now() + 60_000).toISOString();
        await store.credentials.startAuthorization(key, {
          credentialId: credential.id,
          userId: user.id,
          redirectUri: 'https://s/cb',
          codeVerifier: 'v',
          stateHash: 'h3',
          expiresAt: soon,
        });
        const next = masterKeyFrom(randomBytes(32));
        await store.credentials.rotate(key, next);
        expect((await store.credentials.connection(next, credential.id))?.tokens).toEqual(tokens);
        await expect(store.credentials.connection(key, credential.id)).rejects.toThrow();
        expect(await store.credentials.takeAuthorization(next, 'h3')).toBeUndefined();
      });
    });

    describe('schedules and webhooks', () => {
      it('lists published workflows with their schedule state, and takes each slot once', async () => {
        const { workflow, versions } = await workflowWithVersions(store, 1, 'Nightly');
        await workflowWithVersions(store, 1, 'Never published');
        await store.workflows.publish({ workflowId: workflow.id, versionId: versions[0]?.id ?? '', versionNumber: 1 });
        await store.workflows.update(workflow.id, { active: true });
        const [listed, ...others] = await store.schedules.listPublished();
        expect(others).toEqual([]);
        expect(listed).toMatchObject({
          workflowId: workflow.id,
          name: 'Nightly',
          active: true,
          paused: false,
          versionNumber: 1,
          lastFire: null,
        });
        const slot = '2026-06-01T00:00:00.000Z';
        const first = await subject.seedExecution({
          workflowId: workflow.id,
          versionId: versions[0]?.id ?? null,
          trigger: 'schedule',
        });
        const second = await subject.seedExecution({
          workflowId: workflow.id,
          versionId: versions[0]?.id ?? null,
          trigger: 'schedule',
        });
        expect(await store.schedules.claimFire(workflow.id, slot, first)).toBe(true);
        expect(await store.schedules.claimFire(workflow.id, slot, second)).toBe(false);
        expect((await store.schedules.listPublished())[0]?.lastFire).toBe(slot);
        expect((await store.schedules.lastScheduledRun(workflow.id))?.id).toBe(second);
        expect(await store.schedules.setPaused(workflow.id, true)).toBe(true);
        expect((await store.schedules.listPublished())[0]?.paused).toBe(true);
        expect(await store.schedules.setPaused('missing', true)).toBe(false);
        expect(await collect(store.schedules.pruneFires({ batchSize: 10 }))).toEqual([]);
      });

      it('finds a webhook’s target and remembers each delivery key once', async () => {
        const { workflow, versions } = await workflowWithVersions(store, 1);
        expect(await store.webhooks.target(workflow.id)).toEqual({ active: false, archived: false, versionId: null });
        expect(await store.webhooks.target('missing')).toBeUndefined();
        await store.workflows.publish({ workflowId: workflow.id, versionId: versions[0]?.id ?? '', versionNumber: 1 });
        expect((await store.webhooks.target(workflow.id))?.versionId).toBe(versions[0]?.id);
        const run = await subject.seedExecution({ workflowId: workflow.id, versionId: versions[0]?.id ?? null });
        const other = await subject.seedExecution({ workflowId: workflow.id, versionId: versions[0]?.id ?? null });
        const window = 60_000;
        expect(await store.webhooks.recordDelivery(workflow.id, 'k1', window, run)).toBe(true);
        expect(await store.webhooks.recordDelivery(workflow.id, 'k1', window, other)).toBe(false);
        expect(await store.webhooks.earlierDelivery(workflow.id, 'k1', window)).toBe(run);
        await store.webhooks.forgetDelivery(workflow.id, 'k1', run);
        expect(await store.webhooks.earlierDelivery(workflow.id, 'k1', window)).toBeUndefined();
        // A run with no step yet has no result to answer with, and nothing answered its webhook.
        expect(await store.webhooks.succeededSteps(run)).toEqual([]);
        expect(await store.webhooks.stepOutput(run, { nodeId: 'reply', scope: '', attempt: 1 })).toBeUndefined();
        expect(await store.webhooks.answer(run)).toBeUndefined();
        expect(await collect(store.webhooks.pruneDeliveries({ batchSize: 10 }))).toEqual([]);
      });
    });

    describe('executions, as the API reads them', () => {
      it('lists, counts and gets executions with their labels', async () => {
        const { workflow, versions } = await workflowWithVersions(store, 1, 'Orders');
        const ids: string[] = [];
        for (const status of ['succeeded', 'failed', undefined] as const) {
          ids.push(
            await subject.seedExecution({
              workflowId: workflow.id,
              versionId: versions[0]?.id ?? null,
              ...(status ? { status } : {}),
            }),
          );
        }
        expect(await store.executions.count()).toBe(3);
        expect(await store.executions.count(workflow.id)).toBe(3);
        expect(await store.executions.count('missing')).toBe(0);
        const listed = await store.executions.list({ limit: 10 });
        expect(listed.map((row) => row.id)).toEqual([...ids].reverse());
        expect(listed[0]).toMatchObject({ workflowName: 'Orders', versionNumber: 1, status: 'queued' });
        expect((await store.executions.list({ status: 'failed', limit: 10 })).map((row) => row.id)).toEqual([ids[1]]);
        const [newest] = listed;
        expect(
          (
            await store.executions.list({
              limit: 10,
              after: { createdAt: newest?.createdAt ?? '', id: newest?.id ?? '' },
            })
          ).length,
        ).toBe(2);
        expect(await store.executions.get(ids[0] ?? '')).toMatchObject({ status: 'succeeded', trigger: 'manual' });
        expect(await store.executions.status(ids[1] ?? '')).toBe('failed');
        expect(await store.executions.status('missing')).toBeUndefined();
        expect(await store.executions.labels(ids[0] ?? '')).toEqual({
          workflowName: 'Orders',
          versionNumber: 1,
          retriedAs: null,
          handledErrors: 0,
        });
        expect(await store.executions.steps(ids[0] ?? '')).toEqual([]);
      });

      it('prunes ended executions beyond the count limit, in batches', async () => {
        const { workflow } = await workflowWithVersions(store, 0);
        for (let n = 0; n < 5; n++)
          await subject.seedExecution({ workflowId: workflow.id, versionId: null, status: 'succeeded' });
        const running = await subject.seedExecution({ workflowId: workflow.id, versionId: null });
        expect(await collect(store.executions.prune({ maxAgeDays: 0, maxCount: 2, batchSize: 2 }))).toEqual([2, 1]);
        expect(await store.executions.count()).toBe(3);
        expect(await store.executions.status(running)).toBe('queued');
        expect(await store.executions.clearSpentOutputs(new Date().toISOString())).toBe(0);
        await store.executions.reclaimSpace();
      });
    });

    describe('retention', () => {
      const NOW = new Date('2026-06-01T00:00:00.000Z');
      const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
      const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 60 * 60 * 1000).toISOString();
      const pruned = async (policy: Omit<RetentionPolicy, 'now'>): Promise<number> =>
        (await collect(store.executions.prune({ ...policy, now: NOW }))).reduce((sum, size) => sum + size, 0);
      const ids = async () => (await store.executions.list({ limit: 1000 })).map((row) => row.id).sort();
      /** `count` ended executions, one a day back from `NOW` (e0000 is the newest). */
      const daily = (workflowId: string, count: number, steps = 1): SeedExecution[] =>
        Array.from({ length: count }, (_, day) => ({
          id: `e${String(day).padStart(4, '0')}`,
          workflowId,
          status: 'succeeded' as const,
          createdAt: daysAgo(day + 0.5),
          steps,
        }));

      it('prunes ended executions older than the age limit, by when they finished', async () => {
        const { workflow } = await workflowWithVersions(store, 0);
        const w = workflow.id;
        await subject.seedHistory({
          executions: [
            { id: 'old-succeeded', workflowId: w, status: 'succeeded', createdAt: daysAgo(40) },
            { id: 'old-failed', workflowId: w, status: 'failed', createdAt: daysAgo(35) },
            {
              id: 'old-canceled-never-started',
              workflowId: w,
              status: 'canceled',
              createdAt: daysAgo(31),
              finishedAt: null,
            },
            // Created long ago but finished recently (e.g. a long delay): still within the limit.
            { id: 'long-runner', workflowId: w, status: 'succeeded', createdAt: daysAgo(60), finishedAt: daysAgo(2) },
            { id: 'recent', workflowId: w, status: 'succeeded', createdAt: daysAgo(29) },
          ],
        });
        expect(await pruned({ maxAgeDays: 30, maxCount: 0, batchSize: 100 })).toBe(3);
        expect(await ids()).toEqual(['long-runner', 'recent']);
      });

      it('keeps only the newest ended executions beyond the count limit', async () => {
        const { workflow } = await workflowWithVersions(store, 0);
        await subject.seedHistory({ executions: daily(workflow.id, 10) });
        expect(await pruned({ maxAgeDays: 0, maxCount: 4, batchSize: 100 })).toBe(6);
        expect(await ids()).toEqual(['e0000', 'e0001', 'e0002', 'e0003']);
        // Nothing left to prune: a second run is a no-op.
        expect(await pruned({ maxAgeDays: 0, maxCount: 4, batchSize: 100 })).toBe(0);
      });

      it('applies both limits together, and neither when both are 0', async () => {
        const { workflow } = await workflowWithVersions(store, 0);
        await subject.seedHistory({ executions: daily(workflow.id, 10) });
        expect(await pruned({ maxAgeDays: 0, maxCount: 0, batchSize: 100 })).toBe(0);
        // Age keeps e0000..e0004, count keeps e0000..e0006: the stricter one wins.
        expect(await pruned({ maxAgeDays: 5, maxCount: 7, batchSize: 100 })).toBe(5);
        expect(await ids()).toEqual(['e0000', 'e0001', 'e0002', 'e0003', 'e0004']);
      });

      it('never touches queued or running executions, however old, nor counts them', async () => {
        const { workflow } = await workflowWithVersions(store, 0);
        const w = workflow.id;
        await subject.seedHistory({
          executions: [
            { id: 'queued', workflowId: w, status: 'queued', createdAt: daysAgo(400), finishedAt: null },
            { id: 'running', workflowId: w, status: 'running', createdAt: daysAgo(300), finishedAt: null },
            { id: 'ended-new', workflowId: w, status: 'failed', createdAt: daysAgo(1) },
            { id: 'ended-old', workflowId: w, status: 'failed', createdAt: daysAgo(2) },
          ],
        });
        expect(await pruned({ maxAgeDays: 1, maxCount: 1, batchSize: 100 })).toBe(1);
        expect(await ids()).toEqual(['ended-new', 'queued', 'running']);
        expect((await subject.inspect()).stepRuns).toBe(3);
      });

      it('prunes in batches of batchSize, step runs with their executions', async () => {
        const { workflow } = await workflowWithVersions(store, 0);
        await subject.seedHistory({ executions: daily(workflow.id, 25, 2) });
        const batches = await collect(store.executions.prune({ maxAgeDays: 0, maxCount: 3, batchSize: 5, now: NOW }));
        expect(batches).toEqual([5, 5, 5, 5, 2]);
        expect(await ids()).toEqual(['e0000', 'e0001', 'e0002']);
        expect((await subject.inspect()).stepRuns).toBe(6);
      });

      it('deletes webhook deliveries older than the 24-hour idempotency window, in batches', async () => {
        const { workflow } = await workflowWithVersions(store, 0);
        const deliveries = (
          [
            ['a', 25],
            ['b', 48],
            ['c', 24 * 30],
            ['d', 24.01],
            ['e', 100],
            ['kept-recent', 1],
            ['kept-almost-a-day', 23.9],
          ] as const
        ).map(([key, hours]) => ({ workflowId: workflow.id, key, createdAt: hoursAgo(hours) }));
        await subject.seedHistory({ deliveries });
        expect(await collect(store.webhooks.pruneDeliveries({ batchSize: 2, now: NOW }))).toEqual([2, 2, 1]);
        expect((await subject.inspect()).deliveryKeys.sort()).toEqual(['kept-almost-a-day', 'kept-recent']);
      });

      it('keeps each workflow’s latest fire and the last day’s, and deletes the rest of the fires in batches', async () => {
        // Created one after another: pruning goes workflow by workflow, in id order.
        const w1 = (await workflowWithVersions(store, 0, 'Hourly')).workflow.id;
        const w2 = (await workflowWithVersions(store, 0, 'Yearly')).workflow.id;
        const w3 = (await workflowWithVersions(store, 0, 'Stopped')).workflow.id;
        const fires: Array<{ workflowId: string; fireTime: string }> = [];
        // Hourly, for three days up to an hour ago: the 48 fires over a day old go.
        for (let hour = 1; hour <= 72; hour++) fires.push({ workflowId: w1, fireTime: hoursAgo(hour) });
        // Yearly: its latest fire, a year old, stays (else that slot would fire again).
        fires.push({ workflowId: w2, fireTime: daysAgo(730) }, { workflowId: w2, fireTime: daysAgo(365) });
        // Stopped firing long ago (deactivated): only its last fire stays.
        for (const day of [90, 91, 92]) fires.push({ workflowId: w3, fireTime: daysAgo(day) });
        await subject.seedHistory({ fires });

        expect(await collect(store.schedules.pruneFires({ batchSize: 20, now: NOW }))).toEqual([20, 20, 8, 1, 2]);
        const { fireTimes } = await subject.inspect();
        expect(fireTimes(w1)).toHaveLength(24);
        expect(fireTimes(w1)[0]).toBe(hoursAgo(24));
        expect(fireTimes(w2)).toEqual([daysAgo(365)]);
        expect(fireTimes(w3)).toEqual([daysAgo(90)]);
        // Nothing more to prune.
        expect(await collect(store.schedules.pruneFires({ batchSize: 20, now: NOW }))).toEqual([]);
      });
    });

    describe('transactions', () => {
      it('commits work across repositories together', async () => {
        const user = await store.transaction(async (tx) => {
          const created = await tx.users.insert(account('a@x.test'));
          await tx.sessions.insert({
            tokenHash: 't',
            userId: created.id,
            expiresAt: new Date(Date.now() + 60_000).toISOString(),
            ip: null,
            userAgent: null,
          });
          return created;
        });
        expect(await store.sessions.liveUserId('t')).toBe(user.id);
      });

      it('rolls everything back when the callback throws, including work of composed calls', async () => {
        const workflow = await store.workflows.insert({ name: 'A', draft: {} });
        await expect(
          store.transaction(async (tx) => {
            await tx.workflows.insertVersion({ workflowId: workflow.id, graph: {} });
            await tx.workflows.saveDraft(workflow.id, { changed: true });
            await tx.users.insert(account('a@x.test'));
            throw new Error('changed my mind');
          }),
        ).rejects.toThrow('changed my mind');
        expect(await store.workflows.listVersions(workflow.id)).toEqual([]);
        expect((await store.workflows.get(workflow.id))?.draft).toEqual({});
        expect(await store.users.count()).toBe(0);
        // The store is usable again at once.
        expect((await store.workflows.insertVersion({ workflowId: workflow.id, graph: {} })).number).toBe(1);
      });

      it('makes calls on the store wait while a transaction is open', async () => {
        const order: string[] = [];
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const transaction = store.transaction(async (tx) => {
          await tx.users.insert(account('a@x.test'));
          order.push('inserted');
          await gate; // stands for more store work: nothing else may run on the store meanwhile
          order.push('committing');
        });
        await tick();
        const counted = store.users.count().then((n) => {
          order.push(`counted ${n}`);
          return n;
        });
        await tick();
        expect(order).toEqual(['inserted']);
        release();
        await transaction;
        expect(await counted).toBe(1);
        expect(order).toEqual(['inserted', 'committing', 'counted 1']);
      });

      it('runs transactions one after another', async () => {
        const workflow = await store.workflows.insert({ name: 'A', draft: { n: 0 } });
        const bump = () =>
          store.transaction(async (tx) => {
            const current = (await tx.workflows.get(workflow.id))?.draft as { n: number };
            await tick();
            await tx.workflows.saveDraft(workflow.id, { n: current.n + 1 });
          });
        await Promise.all([bump(), bump(), bump()]);
        expect((await store.workflows.get(workflow.id))?.draft).toEqual({ n: 3 });
      });

      it('refuses nested transactions and store calls that bypass the open one, clearly', async () => {
        await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toThrow(/do not nest/);
        await expect(store.transaction(() => store.users.count())).rejects.toThrow(/tx/);
        let leaked: Repositories | undefined;
        await store.transaction(async (tx) => {
          leaked = tx;
        });
        await expect(leaked?.users.count()).rejects.toThrow(/ended/);
        expect(await store.users.count()).toBe(0);
      });
    });
  });
}

function account(email: string, role: 'analyst' | 'operator' | 'admin' = 'analyst') {
  return { email, name: '', role, passwordHash: 'hash' };
}
