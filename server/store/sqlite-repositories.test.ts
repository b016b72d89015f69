import { describe, expect, it } from 'vitest';
import { storeFile, tempStore } from '../testing/store.ts';
import { ForeignTransactionOpen } from './connection-lock.ts';
import { finishExecution, insertExecution } from './executions.ts';
import { immediate } from './prepared.ts';
import { sqliteRepositories } from './sqlite-repositories.ts';
import { describeStore } from './store-suite.ts';
import { WriteBatcher } from './write-batcher.ts';

describeStore('SQLite', async () => {
  const file = tempStore();
  return {
    store: sqliteRepositories(file),
    async seedExecution(values) {
      const execution = insertExecution(file.sqlite, {
        workflowId: values.workflowId,
        versionId: values.versionId,
        trigger: values.trigger ?? 'manual',
        triggerPayload: {},
      });
      if (values.status === 'canceled') {
        file.sqlite.prepare("update executions set status = 'canceled' where id = ?").run(execution.id);
      } else if (values.status) {
        finishExecution(file.sqlite, execution.id, values.status);
      }
      return execution.id;
    },
    async seedHistory(history) {
      // Plain SQL in one transaction: thousands of rows in milliseconds, timestamps as chosen.
      const rows = storeFile(file);
      rows.transaction(() => {
        for (const execution of history.executions ?? []) {
          rows.run(
            `insert into executions (id, workflow_id, trigger, status, created_at, finished_at)
             values (?, ?, 'manual', ?, ?, ?)`,
            execution.id,
            execution.workflowId,
            execution.status,
            execution.createdAt,
            execution.finishedAt === undefined ? execution.createdAt : execution.finishedAt,
          );
          for (let n = 0; n < (execution.steps ?? 1); n++) {
            rows.run(
              `insert into step_runs (id, execution_id, node_id, attempt, status, output, started_at, finished_at)
               values (?, ?, ?, 1, 'succeeded', '{}', ?, ?)`,
              `${execution.id}-s${n}`,
              execution.id,
              `n${n}`,
              execution.createdAt,
              execution.createdAt,
            );
          }
        }
        for (const delivery of history.deliveries ?? []) {
          rows.run(
            'insert into webhook_deliveries (workflow_id, idempotency_key, created_at) values (?, ?, ?)',
            delivery.workflowId,
            delivery.key,
            delivery.createdAt,
          );
        }
        for (const fire of history.fires ?? []) {
          rows.run(
            'insert into schedule_fires (workflow_id, fire_time, created_at) values (?, ?, ?)',
            fire.workflowId,
            fire.fireTime,
            fire.fireTime,
          );
        }
      });
    },
    async inspect() {
      const rows = storeFile(file);
      const fires = rows.all<{ workflowId: string; fireTime: string }>(
        'select workflow_id as workflowId, fire_time as fireTime from schedule_fires order by fire_time',
      );
      return {
        stepRuns: rows.column<number>('select count(*) from step_runs')[0] ?? 0,
        deliveryKeys: rows.column<string>('select idempotency_key from webhook_deliveries'),
        fireTimes: (workflowId: string) =>
          fires.filter((fire) => fire.workflowId === workflowId).map((fire) => fire.fireTime),
      };
    },
    async cleanup() {
      file.cleanup();
    },
  };
});

describe('SQLite transactions and the engine’s synchronous writes on the same connection', () => {
  it('holds a write batch until the open transaction ends, so the batch is not part of it', async () => {
    const file = tempStore();
    try {
      file.sqlite.exec('create table notes (text text not null)');
      const repos = sqliteRepositories(file);
      const batcher = new WriteBatcher(file.sqlite, (text: string) => {
        file.sqlite.prepare('insert into notes (text) values (?)').run(text);
      });
      let written: Promise<void> | undefined;
      await expect(
        repos.transaction(async (tx) => {
          await tx.users.insert({ email: 'a@x.test', name: '', role: 'admin', passwordHash: null });
          written = batcher.add('from the engine');
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await written;
      expect(file.sqlite.prepare('select text from notes').pluck().all()).toEqual(['from the engine']);
      expect(await repos.users.count()).toBe(0);
    } finally {
      file.cleanup();
    }
  });

  it('refuses a synchronous transaction from outside the open one, and allows it inside (a savepoint)', async () => {
    const file = tempStore();
    try {
      const repos = sqliteRepositories(file);
      let outside: unknown;
      let release: () => void = () => undefined;
      const transaction = repos.transaction(async (tx) => {
        immediate(file.sqlite, () => file.sqlite.prepare('select 1').get());
        await tx.users.count();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      });
      await new Promise((resolve) => setImmediate(resolve));
      try {
        immediate(file.sqlite, () => undefined);
      } catch (error) {
        outside = error;
      }
      release();
      await transaction;
      expect(outside).toBeInstanceOf(ForeignTransactionOpen);
      expect(immediate(file.sqlite, () => 'fine')).toBe('fine');
    } finally {
      file.cleanup();
    }
  });

  it('closes only after an open transaction ends', async () => {
    const file = tempStore();
    const repos = sqliteRepositories(file);
    let release: () => void = () => undefined;
    const transaction = repos.transaction(async (tx) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return tx.users.count();
    });
    await new Promise((resolve) => setImmediate(resolve));
    const closed = repos.close();
    release();
    await expect(transaction).resolves.toBe(0);
    await closed;
    expect(file.sqlite.open).toBe(false);
    file.cleanup();
  });
});
