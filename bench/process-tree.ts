import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of a process tree, read from /proc (Linux): which processes descend from a root, and how
 * much each holds. PSS (proportional set size) splits every shared page between the processes
 * mapping it, so PostgreSQL's shared buffers and the code pages of the node binary count once for
 * the tree, not once per process as RSS would.
 */

/** Field 4 of /proc/<pid>/stat, counted after the command name (which may hold spaces). */
function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // gone meanwhile
  }
}

/** The root and every live process below it, at any depth. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A `Name:  <n> kB` line of a /proc file, in KiB; undefined when the process is gone. */
function kibField(file: string, name: string): number | undefined {
  try {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith(`${name}:`));
    return line === undefined ? undefined : Number(line.split(/\s+/)[1]);
  } catch {
    return undefined;
  }
}

export const pssKib = (pid: number) => kibField(`/proc/${pid}/smaps_rollup`, 'Pss');
export const rssKib = (pid: number) => kibField(`/proc/${pid}/status`, 'VmRSS');

/** The process's command line, for telling the tree's members apart in a report. */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** The machine's load averages over 1, 5 and 15 minutes, as `uptime` prints them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
