import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCredential } from '../../nodes/credentials/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { defineCapability, type OperationRecord } from '../credentials/define-capability.ts';
import { masterKeyFrom } from '../security/master-key.ts';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { tempStore } from '../testing/store.ts';
import { credentialOperations } from './credential-operations.ts';

/*
 * `ctx.useCredential` in the worker: the stored credential is opened and checked here, its type's
 * operation does the work, and no form of its secret comes back to the node or into the step's
 * record or error. A protocol type of the test's own (as a node pack would bring one) stands in
 * for SMTP or PostgreSQL: its operation answers with what it was given and the secret it holds.
 */

declare module '../../nodes/credentials/operations.ts' {
  interface CredentialOperations {
    'probe.echo': { request: { say: string; fail?: boolean }; response: { said: string; leaked: string } };
  }
}

const probe = defineCredential({
  type: 'probe',
  title: 'Probe',
  description: 'A protocol type of this test.',
  secret: z.strictObject({ host: z.string(), password: z.string().min(8) }),
  secretFields: ['password'],
});

const probeCapability = defineCapability(probe, {
  operations: {
    'probe.echo': async (secret, request, use) => {
      use.record({ operation: 'probe.echo', title: `echo at ${secret.host}`, details: { sent: secret.password } });
      if (request.fail) throw new Error(`${secret.host} refused password ${secret.password}`);
      return { said: request.say, leaked: `password=${Buffer.from(secret.password).toString('base64')}` };
    },
  },
});

const key = masterKeyFrom(randomBytes(32));
const PASSWORD = 'hunter22-correct-horse';
let store: ReturnType<typeof tempStore>;
let credentialId: string;
const operate = () =>
  credentialOperations(sqliteRepositories(store).credentials, key, (type) =>
    type === 'probe' ? probeCapability : undefined,
  );

beforeEach(async () => {
  store = tempStore();
  const credential = await sqliteRepositories(store).credentials.insert(key, {
    name: 'Probe server',
    type: 'probe',
    secret: { host: 'probe.internal', password: PASSWORD },
  });
  credentialId = credential.id;
});
afterEach(() => store.cleanup());

describe('credential operations', () => {
  it('runs the operation with the decrypted secret and masks every form of it out of the answer and the record', async () => {
    const records: OperationRecord[] = [];
    const answer = await operate()(
      { credentialId, operation: 'probe.echo', request: { say: 'hello' } },
      new AbortController().signal,
      { executionId: 'exec-1', record: (done) => records.push(done) },
    );
    expect(answer).toEqual({ said: 'hello', leaked: 'password=••••••' });
    expect(records).toEqual([
      { operation: 'probe.echo', title: 'echo at probe.internal', details: { sent: '••••••' } },
    ]);
  });

  it('masks the secret out of a failure and keeps its message otherwise', async () => {
    const failing = operate()(
      { credentialId, operation: 'probe.echo', request: { say: 'x', fail: true } },
      new AbortController().signal,
    );
    await expect(failing).rejects.toThrow('probe.internal refused password ••••••');
  });

  it('refuses an operation the credential type does not have, naming both', async () => {
    const other = await sqliteRepositories(store).credentials.insert(key, {
      name: 'Some token',
      type: 'bearer',
      secret: { token: 'abcdefgh' },
    });
    const refused = operate()(
      { credentialId: other.id, operation: 'probe.echo', request: { say: 'x' } },
      new AbortController().signal,
    );
    await expect(refused).rejects.toBeInstanceOf(NonRetryableError);
    await expect(refused).rejects.toThrow(
      'credential "Some token" is a bearer credential, which cannot do "probe.echo"',
    );
  });

  it('refuses a credential that does not exist', async () => {
    const missing = operate()(
      { credentialId: '00000000-0000-4000-8000-000000000000', operation: 'probe.echo', request: { say: 'x' } },
      new AbortController().signal,
    );
    await expect(missing).rejects.toThrow('does not exist');
  });

  it('refuses a stored secret that no longer fits its type, naming the fields and not the values', async () => {
    const broken = await sqliteRepositories(store).credentials.insert(key, {
      name: 'Old probe',
      type: 'probe',
      secret: { host: 'probe.internal', password: 'short' },
    });
    const refused = operate()(
      { credentialId: broken.id, operation: 'probe.echo', request: { say: 'x' } },
      new AbortController().signal,
    );
    await expect(refused).rejects.toThrow('the stored probe secret does not fit its type (password)');
    await expect(refused).rejects.not.toThrow('short');
  });
});
