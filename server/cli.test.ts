import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from './auth/passwords.ts';
import { loadMasterKey, masterKeyFrom } from './security/master-key.ts';
import { openRepositories } from './store/sqlite-repositories.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-cli-'));
  dirs.push(dir);
  return dir;
}

/** Runs `server/cli.ts` as the `stepwise` bin would, with `input` on standard input. */
function cli(
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--no-node-snapshot', 'server/cli.ts', ...args], {
    env: { ...process.env, STEPWISE_PASSWORD: '', STEPWISE_MASTER_KEY: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  child.stdin.end(input);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

describe('stepwise user create', () => {
  it('creates a user whose password comes from STEPWISE_PASSWORD, or from standard input', async () => {
    const dir = dataDir();
    const fromEnv = await cli(['user', 'create', '--email', 'Boss@Example.com', '--name', 'Boss', '--role', 'admin'], {
      DATA_DIR: dir,
      STEPWISE_PASSWORD: 'password from the env',
    });
    expect(fromEnv.err).toBe('');
    expect(fromEnv.code).toBe(0);
    const fromStdin = await cli(
      ['user', 'create', '--email', 'op@example.com', '--name', 'Op', '--role', 'operator'],
      { DATA_DIR: dir },
      'password from stdin\n',
    );
    expect(fromStdin.code).toBe(0);
    const store = openRepositories(join(dir, 'stepwise.db'));
    try {
      const boss = await store.users.getForLogin('boss@example.com');
      expect(boss).toMatchObject({ role: 'admin', name: 'Boss', active: true });
      expect(await verifyPassword(boss?.passwordHash, 'password from the env')).toBe(true);
      const op = await store.users.getForLogin('op@example.com');
      expect(op?.role).toBe('operator');
      expect(await verifyPassword(op?.passwordHash, 'password from stdin')).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('refuses a short password, a taken email and a bad role, saying why', async () => {
    const dir = dataDir();
    const args = ['user', 'create', '--email', 'a@example.com', '--name', 'A'];
    const short = await cli(args, { DATA_DIR: dir, STEPWISE_PASSWORD: 'short' });
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/at least 10/);
    expect((await cli(args, { DATA_DIR: dir, STEPWISE_PASSWORD: 'long enough pass' })).code).toBe(0);
    const taken = await cli(['user', 'create', '--email', 'A@EXAMPLE.com', '--name', 'A'], {
      DATA_DIR: dir,
      STEPWISE_PASSWORD: 'long enough pass',
    });
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/already taken/);
    const role = await cli([...args, '--role', 'root'], { DATA_DIR: dir, STEPWISE_PASSWORD: 'long enough pass' });
    expect(role.code).toBe(1);
    expect(role.err).toMatch(/role/);
  });
});

describe('stepwise rotate-master-key', () => {
  it('re-encrypts every credential under a new key file (0600); the old key opens nothing', async () => {
    const dir = dataDir();
    const old = loadMasterKey(dir);
    const store = openRepositories(join(dir, 'stepwise.db'));
    const { id } = await store.credentials.insert(old, { name: 'API', type: 'bearer', secret: { token: 't0ken' } });
    await store.close();

    const rotated = await cli(['rotate-master-key'], { DATA_DIR: dir });
    expect(rotated.err).toBe('');
    expect(rotated.out).toMatch(/re-encrypted 1 credential/);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, 'master.key.next'))).toBe(false);
    const next = loadMasterKey(dir);
    expect(next.id).not.toBe(old.id);
    const reopened = openRepositories(join(dir, 'stepwise.db'));
    try {
      expect(await reopened.credentials.secret(next, id)).toMatchObject({ type: 'bearer', secret: { token: 't0ken' } });
      await expect(reopened.credentials.secret(old, id)).rejects.toThrow();
    } finally {
      await reopened.close();
    }
  });

  it('prints the new key when the current one comes from STEPWISE_MASTER_KEY', async () => {
    const dir = dataDir();
    const material = randomBytes(32);
    const old = masterKeyFrom(material);
    const store = openRepositories(join(dir, 'stepwise.db'));
    const { id } = await store.credentials.insert(old, { name: 'API', type: 'bearer', secret: { token: 't0ken' } });
    await store.close();

    const rotated = await cli(['rotate-master-key'], {
      DATA_DIR: dir,
      STEPWISE_MASTER_KEY: material.toString('base64'),
    });
    expect(rotated.code).toBe(0);
    const printed = /STEPWISE_MASTER_KEY=(\S+)/.exec(rotated.out)?.[1] ?? '';
    expect(existsSync(join(dir, 'master.key'))).toBe(false);
    const reopened = openRepositories(join(dir, 'stepwise.db'));
    try {
      const next = masterKeyFrom(Buffer.from(printed, 'base64'));
      expect((await reopened.credentials.secret(next, id))?.secret).toEqual({ token: 't0ken' });
    } finally {
      await reopened.close();
    }
    expect(readFileSync(join(dir, 'stepwise.db')).includes(Buffer.from('t0ken'))).toBe(false);
  });
});
