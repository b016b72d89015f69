import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { socketDirFor, startEmbeddedPostgres } from './embedded.ts';
import { canTraverse } from './traverse.ts';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A logger whose records the test can read. */
function recordingLog() {
  const records: { level: number; msg: string; movedTo?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { logger, records, warnings: () => records.filter((r) => r.level >= 40).map((r) => r.msg) };
}

function openDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-pg-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('canTraverse', () => {
  it('needs execute permission on every ancestor for the user in question', () => {
    const root = openDir();
    const closed = join(root, 'closed');
    mkdirSync(join(closed, 'inner'), { recursive: true });
    chmodSync(closed, 0o700);
    const stranger = { uid: 4242, gid: 4242 };
    expect(canTraverse(join(root, 'anything'), stranger.uid, stranger.gid)).toBe(true);
    expect(canTraverse(join(closed, 'inner'), stranger.uid, stranger.gid)).toBe(false);
    expect(canTraverse(join(closed, 'not-yet', 'made'), stranger.uid, stranger.gid)).toBe(false);
    // The owner of the closed directory may pass.
    const owner = process.getuid?.() ?? 0;
    expect(canTraverse(join(closed, 'inner'), owner, process.getgid?.() ?? 0)).toBe(true);
  });
});

describe('socketDirFor', () => {
  it('uses the cluster dir for the socket only when the socket path fits the platform limit', () => {
    expect(socketDirFor('/srv/stepwise/postgres', 5432)).toBe('/srv/stepwise/postgres');
    const deep = `/srv/${'d'.repeat(90)}/postgres`;
    expect(socketDirFor(deep, 5432)).toBeUndefined();
  });
});

describe('embedded PostgreSQL', () => {
  it('falls back to TCP when the cluster dir is too deep for a Unix socket', async () => {
    const dataDir = join(openDir(), 'a-data-dir-whose-path-is-long-enough-to-leave-no-room-for-a-unix-socket-name');
    const server = await startEmbeddedPostgres({ dataDir, log, fast: true });
    try {
      expect(socketDirFor(server.clusterDir, server.port)).toBeUndefined();
      expect(new URL(server.url).searchParams.has('host')).toBe(false);
      expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('initialises a cluster under the data dir, serves SQL, and keeps data across restarts', async () => {
    const dataDir = openDir();
    const first = await startEmbeddedPostgres({ dataDir, log, fast: true });
    try {
      expect(first.clusterDir).toBe(join(dataDir, 'postgres'));
      // The data dir is closed to others (0711) yet the postgres user (as root) reaches its cluster.
      expect(statSync(dataDir).mode & 0o777).toBe(0o711);
      expect(statSync(join(dataDir, 'postgres.password')).mode & 0o777).toBe(0o600);
      // Clients come in over the cluster's Unix socket (cheaper than loopback TCP) …
      expect(new URL(first.url).searchParams.get('host')).toBe(first.clusterDir);
      expect(existsSync(join(first.clusterDir, `.s.PGSQL.${first.port}`))).toBe(true);
      await query(first.url, 'create table kept (n int); insert into kept values (42)');
      // … and TCP on 127.0.0.1 stays open for tools.
      const tcp = new URL(first.url);
      tcp.search = '';
      expect(await query(tcp.toString(), 'select n from kept')).toEqual([{ n: 42 }]);
    } finally {
      await first.stop();
    }
    expect(existsSync(join(first.clusterDir, 'postmaster.pid'))).toBe(false);
    const second = await startEmbeddedPostgres({ dataDir, log, fast: true });
    try {
      expect(second.movedAside).toBeUndefined();
      expect(await query(second.url, 'select n from kept')).toEqual([{ n: 42 }]);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('takes over a cluster made before install ids, and replaces one that refuses the password', async () => {
    const dataDir = openDir();
    const first = await startEmbeddedPostgres({ dataDir, log, fast: true });
    try {
      await query(first.url, 'create table kept (n int); insert into kept values (42)');
    } finally {
      await first.stop();
    }
    // As an older Stepwise left them: neither side has an install id.
    rmSync(join(dataDir, 'install-id'));
    rmSync(join(first.clusterDir, 'stepwise-install-id'));
    const adopted = await startEmbeddedPostgres({ dataDir, log, fast: true });
    try {
      expect(adopted.movedAside).toBeUndefined();
      expect(await query(adopted.url, 'select n from kept')).toEqual([{ n: 42 }]);
    } finally {
      await adopted.stop();
    }
    expect(readFileSync(join(first.clusterDir, 'stepwise-install-id'), 'utf8')).toBe(
      readFileSync(join(dataDir, 'install-id'), 'utf8'),
    );

    // As an older Stepwise left a data dir made again beside a cluster that outlived it.
    rmSync(join(dataDir, 'install-id'));
    rmSync(join(first.clusterDir, 'stepwise-install-id'));
    writeFileSync(join(dataDir, 'postgres.password'), 'not-the-clusters-password\n');
    const recording = recordingLog();
    const replaced = await startEmbeddedPostgres({ dataDir, log: recording.logger, fast: true });
    try {
      expect(replaced.movedAside).toMatch(/postgres\.replaced-/);
      expect(existsSync(join(replaced.movedAside as string, 'PG_VERSION'))).toBe(true);
      expect(recording.warnings()).toEqual([expect.stringContaining("refuses the data dir's password")]);
      expect(await query(replaced.url, "select to_regclass('kept') as kept")).toEqual([{ kept: null }]);
    } finally {
      await replaced.stop();
    }
  }, 60_000);

  it('starts again after its owner was killed with SIGKILL, taking over the left-over cluster', async () => {
    const dataDir = openDir();
    // A Stepwise-like process starts the server, then dies without a chance to stop it.
    const script = `
      import { startEmbeddedPostgres } from ${JSON.stringify(new URL('./embedded.ts', import.meta.url).href)};
      import { pino } from 'pino';
      const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, log: pino({ level: 'silent' }), fast: true });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: process.cwd(),
    });
    await new Promise<void>((resolve, reject) => {
      owner.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      owner.on('exit', (code) => reject(new Error(`owner exited ${code}`)));
    });
    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    const orphan = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    expect(() => process.kill(orphan, 0)).not.toThrow(); // the old postmaster is still running

    const server = await startEmbeddedPostgres({ dataDir, log, fast: true });
    try {
      expect(await query(server.url, 'select 1 as ok')).toEqual([{ ok: 1 }]);
      expect(() => process.kill(orphan, 0)).toThrow();
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('as root, keeps the cluster where the postgres user can reach it when the data dir is closed', async (context) => {
    if (process.getuid?.() !== 0) {
      context.skip('only meaningful as root: other users run PostgreSQL as themselves');
    }
    const closedParent = mkdtempSync(join(tmpdir(), 'stepwise-closed-'));
    dirs.push(closedParent);
    chmodSync(closedParent, 0o700);
    const systemDir = openDir();
    const dataDir = join(closedParent, 'data');
    const server = await startEmbeddedPostgres({ dataDir, log, fast: true, systemDir });
    try {
      expect(server.clusterDir.startsWith(join(systemDir, 'clusters'))).toBe(true);
      expect(readFileSync(join(dataDir, 'postgres.location'), 'utf8').trim()).toBe(server.clusterDir);
      await query(server.url, 'create table kept (n int); insert into kept values (42)');
    } finally {
      await server.stop();
    }

    // Started again on the same data dir: the same cluster, with its data.
    const again = await startEmbeddedPostgres({ dataDir, log, fast: true, systemDir });
    try {
      expect(again.clusterDir).toBe(server.clusterDir);
      expect(again.movedAside).toBeUndefined();
      expect(await query(again.url, 'select n from kept')).toEqual([{ n: 42 }]);
    } finally {
      await again.stop();
    }

    // The data dir deleted and made again at the same path: the cluster outside it, which knows only
    // the old password, is moved aside (kept) and a new one made.
    rmSync(dataDir, { recursive: true });
    const recording = recordingLog();
    const fresh = await startEmbeddedPostgres({ dataDir, log: recording.logger, fast: true, systemDir });
    try {
      expect(fresh.clusterDir).toBe(server.clusterDir);
      expect(fresh.movedAside).toMatch(new RegExp(`^${server.clusterDir}\\.replaced-`));
      expect(readFileSync(join(fresh.movedAside as string, 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);
      const moved = recording.records.filter((r) => r.movedTo === fresh.movedAside);
      expect(moved).toHaveLength(1);
      expect(moved[0]?.msg).toContain('does not belong to this data dir');
      expect(moved[0]?.msg).toContain(fresh.movedAside);
      expect(await query(fresh.url, "select to_regclass('kept') as kept")).toEqual([{ kept: null }]);
    } finally {
      await fresh.stop();
    }
  }, 90_000);
});
