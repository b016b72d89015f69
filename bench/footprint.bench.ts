import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openStore } from '../server/store/db.ts';
import { postgresCpuMs, postmasterPid, processCpuMs } from './cpu.ts';
import { HOOKED_PAYLOAD, publishHookedWorkflow } from './hooked-workflow.ts';
import { commandOf, loadAverage, processTree, pssKib, rssKib } from './process-tree.ts';
import { median, report } from './stats.ts';
import { HEADLINE_REPEATS } from './summary.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Seconds after the first answer before memory is read: start-up garbage collected, the tree idle. */
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 5);

const TARGETS = { coldStartMs: 1000, treePssMib: 250 } as const;

/**
 * Issue 14's footprint, of `npm start` exactly as a user runs it (`node --no-node-snapshot
 * server/start.mjs`, its worker processes and its embedded PostgreSQL) on a data dir that already
 * exists (the cluster made, migrations applied, a webhook workflow published):
 * - cold start: from spawning the process until a webhook is answered with its run's result (the
 *   API, PostgreSQL and a worker all working), polling the webhook's URL;
 * - memory at idle, BENCH_IDLE_SECONDS (default 5) after that answer: PSS summed over every process
 *   of the tree (the main process, its workers, PostgreSQL's postmaster and backends), and the main
 *   process's RSS.
 * Each measured BENCH_REPEAT times (default 3) after one unreported start that warms the OS's file
 * cache; the figure is the median, printed beside the target with the machine's load average.
 */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-footprint-'));
  chmodSync(dir, 0o755); // the embedded PostgreSQL's OS user must reach it when running as root
  const dataDir = join(dir, 'data');
  try {
    const port = await freePort();
    await (await startStepwise(dataDir, port)).stop(); // makes the data dir, its cluster and tables
    const store = openStore(join(dataDir, 'stepwise.db'));
    const workflowId = publishHookedWorkflow(store, 'lastNode');
    store.close();
    const hookUrl = `http://127.0.0.1:${port}/hooks/${workflowId}/orders`;

    const rounds: Round[] = [];
    for (let round = 0; round <= HEADLINE_REPEATS; round++) {
      const measured = await measureStart(dataDir, port, hookUrl);
      if (round === 0) continue;
      rounds.push(measured);
      report(`footprint #${round}`, {
        postgres_ready_ms: measured.milestones.postgres,
        worker_ready_ms: measured.milestones.worker,
        listening_ms: measured.milestones.listening,
        first_webhook_ms: measured.firstAnswerMs,
        main_cpu_ms: measured.mainStartCpuMs,
        workers_cpu_ms: measured.workersStartCpuMs,
        postgres_start_cpu_ms: measured.postgresStartCpuMs,
        tree_pss_mib: measured.treePssMib,
        main_pss_mib: measured.mainPssMib,
        workers_pss_mib: measured.workersPssMib,
        postgres_pss_mib: measured.postgresPssMib,
        main_rss_mib: measured.mainRssMib,
        processes: measured.processes,
        load: measured.load,
      });
    }
    printFigures(rounds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Round {
  /** Spawn until the server logged each milestone of its start. */
  milestones: Record<Milestone, number>;
  /** Spawn until the webhook answered with its run's result. */
  firstAnswerMs: number;
  /** CPU the main process and its workers used until then (less noisy than the time on a shared machine). */
  mainStartCpuMs: number;
  workersStartCpuMs: number;
  /** CPU PostgreSQL used until then. */
  postgresStartCpuMs: number;
  treePssMib: number;
  mainPssMib: number;
  workersPssMib: number;
  postgresPssMib: number;
  mainRssMib: number;
  processes: number;
  /** Load averages when the round began. */
  load: string;
}

async function measureStart(dataDir: string, port: number, hookUrl: string): Promise<Round> {
  const load = loadAverage();
  const started = performance.now();
  const stepwise = await startStepwise(dataDir, port);
  try {
    const firstAnswerMs = (await firstAnswer(hookUrl)) - started;
    const cpu = startCpu(stepwise.pid, dataDir);
    await sleep(IDLE_SECONDS * 1000);
    const memory = treeMemory(stepwise.pid);
    return { milestones: stepwise.milestones(), firstAnswerMs, ...cpu, load, ...memory };
  } finally {
    await stepwise.stop();
  }
}

/** Polls the webhook until it answers 200 with the run's result; answers the time it did. */
async function firstAnswer(url: string): Promise<number> {
  const deadline = performance.now() + 60_000;
  let last = 'no answer';
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: HOOKED_PAYLOAD,
      });
      const at = performance.now();
      const body = await response.text();
      // The Score step doubles the total: proof that every step ran, not only that the API answered.
      if (response.status === 200 && (JSON.parse(body) as { score?: unknown }).score === 300) return at;
      last = `${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message; // not listening yet
    }
    await sleep(5);
  }
  throw new Error(`the webhook did not answer with its result within 60 s (last: ${last})`);
}

/** CPU used so far by the main process, its workers, and PostgreSQL. */
function startCpu(root: number, dataDir: string) {
  const workers = processTree(root).filter((pid) => commandOf(pid).includes('worker-main.ts'));
  const postmaster = postmasterPid(join(dataDir, 'postgres'));
  return {
    mainStartCpuMs: processCpuMs(root) ?? Number.NaN,
    workersStartCpuMs: workers.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0),
    postgresStartCpuMs: postmaster === undefined ? Number.NaN : (postgresCpuMs(postmaster) ?? Number.NaN),
  };
}

const kibToMib = (kib: number) => kib / 1024;

function treeMemory(root: number) {
  const tree = processTree(root);
  let workers = 0;
  let postgres = 0;
  let total = 0;
  for (const pid of tree) {
    const pss = pssKib(pid) ?? 0;
    total += pss;
    const command = commandOf(pid);
    if (command.includes('worker-main.ts')) workers += pss;
    else if (pid !== root && command.includes('postgres')) postgres += pss;
  }
  return {
    treePssMib: kibToMib(total),
    mainPssMib: kibToMib(pssKib(root) ?? 0),
    workersPssMib: kibToMib(workers),
    postgresPssMib: kibToMib(postgres),
    mainRssMib: kibToMib(rssKib(root) ?? 0),
    processes: tree.length,
  };
}

/** Log lines of a start, by what they say. */
const MILESTONES = {
  postgres: 'embedded PostgreSQL is ready',
  listening: 'Stepwise is listening',
  worker: 'engine worker started',
} as const;
type Milestone = keyof typeof MILESTONES;

interface Stepwise {
  readonly pid: number;
  /** Milliseconds from spawning to each milestone's log line (its own timestamp); NaN when not logged yet. */
  milestones(): Record<Milestone, number>;
  /** SIGTERM, then waits for the whole tree (PostgreSQL too) to be gone. */
  stop(): Promise<void>;
}

async function startStepwise(dataDir: string, port: number): Promise<Stepwise> {
  const child: ChildProcess = spawn(process.execPath, ['--no-node-snapshot', 'server/start.mjs'], {
    cwd: ROOT,
    // As `npm start` runs (its default worker count and log level), on this data dir and port; the
    // embedded PostgreSQL even when the caller's environment names another.
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawnedAt = Date.now();
  let output = '';
  const seen: Partial<Record<Milestone, number>> = {};
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      for (const line of chunk.toString().split('\n')) {
        const milestone = (Object.keys(MILESTONES) as Milestone[]).find((key) => line.includes(MILESTONES[key]));
        const time = milestone && logTime(line);
        if (milestone && time !== undefined && seen[milestone] === undefined) seen[milestone] = time - spawnedAt;
      }
      if (seen.listening !== undefined) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`Stepwise exited before listening:\n${output}`)));
  });
  if (child.pid === undefined) throw new Error('could not start Stepwise');
  const pid = child.pid;
  await listening;
  return {
    pid,
    milestones: () => ({
      postgres: seen.postgres ?? Number.NaN,
      listening: seen.listening ?? Number.NaN,
      worker: seen.worker ?? Number.NaN,
    }),
    async stop() {
      const tree = processTree(pid);
      child.kill('SIGTERM');
      await exited;
      for (let waited = 0; waited < 30_000 && tree.some(isAlive); waited += 50) await sleep(50);
    },
  };
}

/** The timestamp of a JSON log line; undefined for anything else (a line cut across two chunks). */
function logTime(line: string): number | undefined {
  try {
    return (JSON.parse(line) as { time?: number }).time;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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

function printFigures(rounds: readonly Round[]): void {
  const line = (title: string, values: number[], unit: string, target?: number) => {
    const middle = median(values);
    const runs = values.map((value) => value.toFixed(unit === 's' ? 2 : 0)).join(', ');
    const verdict =
      target === undefined ? '' : `  target ≤ ${target} ${unit}  ${middle <= target ? '✓ reached' : '✗ not reached'}`;
    process.stdout.write(`${title.padEnd(48)} ${middle.toFixed(unit === 's' ? 2 : 0)} ${unit} (${runs})${verdict}\n`);
  };
  process.stdout.write(`\nfootprint, median of ${rounds.length} start${rounds.length === 1 ? '' : 's'}:\n`);
  line(
    'cold start → first webhook answered',
    rounds.map((round) => round.firstAnswerMs / 1000),
    's',
    TARGETS.coldStartMs / 1000,
  );
  line(
    'whole tree PSS at idle',
    rounds.map((round) => round.treePssMib),
    'MiB',
    TARGETS.treePssMib,
  );
  line(
    'main process RSS at idle',
    rounds.map((round) => round.mainRssMib),
    'MiB',
  );
  process.stdout.write(
    `load averages (1, 5, 15 min) at each start: ${rounds.map((round) => round.load).join(' | ')}\n`,
  );
}
