import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CPU time spent over a measured window, to judge a change on a noisy machine where wall-clock
 * figures move with the neighbours' load: worker processes are read from /proc (utime + stime),
 * this process (the API side of a bench) from `process.cpuUsage()`, and PostgreSQL (the queue)
 * from its postmaster and backends, apart: the issue's total is worker + API.
 */

/** Clock ticks per second of /proc's CPU times: `getconf CLK_TCK`, 100 on Linux almost always. */
const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/**
 * /proc/<pid>/stat's fields from field 3 (state) on, or undefined when the process is gone. Field
 * 2, the command name, is in parentheses and may hold spaces: fields are counted from after it, so
 * field n is index n - 3 (ppid 4 → 1, utime 14 → 11, stime 15 → 12, cutime 16 → 13, cstime 17 → 14).
 */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const ticksToMs = (fields: readonly string[], ...indexes: number[]) =>
  (indexes.reduce((sum, index) => sum + Number(fields[index]), 0) * 1000) / TICKS_PER_SECOND;

/** CPU (user + system, all threads) a process has used so far, in ms; undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields && ticksToMs(fields, 11, 12);
}

/**
 * CPU PostgreSQL has used so far, in ms: the postmaster's own and that of its ended children
 * (cutime + cstime: it reaps its backends), plus its live children's (backends, WAL writer,
 * checkpointer, autovacuum).
 */
export function postgresCpuMs(postmasterPid: number): number | undefined {
  const postmaster = statFields(postmasterPid);
  if (!postmaster) return undefined;
  let total = ticksToMs(postmaster, 11, 12, 13, 14);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && Number(fields[1]) === postmasterPid) total += ticksToMs(fields, 11, 12);
  }
  return total;
}

/** The postmaster's process id, from the first line of `postmaster.pid` in its cluster directory. */
export function postmasterPid(clusterDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuPerRun {
  readonly workerMs: number;
  readonly apiMs: number;
  /** Worker processes + API process. */
  readonly totalMs: number;
  /** PostgreSQL, not in the total; NaN when it could not be read. */
  readonly postgresMs: number;
}

/**
 * Starts measuring the CPU of this process (which plays the API process in the benches), of the
 * given worker processes and of PostgreSQL; `perRun(n)` divides what each used since by `n` runs.
 */
export function startCpuMeter(processes: { workers: readonly number[]; postmaster: number | undefined }) {
  const api = process.cpuUsage();
  const workers = processes.workers.map((pid) => processCpuMs(pid) ?? 0);
  const postgres = processes.postmaster === undefined ? undefined : postgresCpuMs(processes.postmaster);
  return {
    perRun(runs: number): CpuPerRun {
      const apiUsed = process.cpuUsage(api);
      const apiMs = (apiUsed.user + apiUsed.system) / 1000;
      const workerMs = processes.workers.reduce((sum, pid, index) => {
        const before = workers[index] ?? 0;
        return sum + Math.max(0, (processCpuMs(pid) ?? before) - before);
      }, 0);
      const postgresNow = processes.postmaster === undefined ? undefined : postgresCpuMs(processes.postmaster);
      const postgresMs = postgres === undefined || postgresNow === undefined ? Number.NaN : postgresNow - postgres;
      const divisor = Math.max(1, runs);
      return {
        workerMs: workerMs / divisor,
        apiMs: apiMs / divisor,
        totalMs: (workerMs + apiMs) / divisor,
        postgresMs: postgresMs / divisor,
      };
    },
  };
}

/** The figures `report` prints for CPU per run. */
export const cpuFigures = (cpu: CpuPerRun) => ({
  worker_cpu_ms: cpu.workerMs,
  api_cpu_ms: cpu.apiMs,
  cpu_ms: cpu.totalMs,
  pg_cpu_ms: cpu.postgresMs,
});
