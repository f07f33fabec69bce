/**
 * CPU time of processes outside the hub, read from /proc (Linux only; undefined elsewhere):
 * the PostgreSQL backends serving one database, and the whole machine's busy share.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in USER_HZ ticks, 100 per second on every common architecture. */
const TICK_MS = 10;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** utime + stime of one process, in ms. */
export function processCpuMs(pid: string): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
}

export interface MachineTicks {
  busy: number;
  total: number;
}

/** Busy and total jiffies of all CPUs since boot, from /proc/stat. */
export function machineTicks(): MachineTicks | undefined {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return undefined;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Share of all CPUs busy between two readings (0..1). */
export function busyShare(a: MachineTicks | undefined, b: MachineTicks | undefined): number | undefined {
  if (!a || !b || b.total === a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total);
}

/**
 * CPU ms so far of each PostgreSQL backend connected to `database`, by pid (their command line
 * reads "postgres: [cluster: ]user database host(port) state"; the WAL writer and checkpointer are
 * not counted). A sum of all backends goes wrong when a pool closes an idle connection between two
 * readings (its time leaves the sum); `pgCpuBetweenMs` on two of these counts only what each
 * backend did between them.
 */
export function pgBackendCpuByPid(database: string): Map<string, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const out = new Map<string, number>();
  for (const pid of pids) {
    const cmd = read(`/proc/${pid}/cmdline`);
    if (cmd === undefined || !cmd.startsWith('postgres: ')) continue;
    if (!cmd.replace(/\0/g, ' ').split(/\s+/).includes(database)) continue;
    const ms = processCpuMs(pid);
    if (ms !== undefined) out.set(pid, ms);
  }
  return out;
}

/**
 * CPU ms the backends used between two readings: the growth of those in both, plus all of those
 * that connected in between. Backends that disconnected in between are not counted (their last
 * figures are gone), so this is a lower bound — never negative.
 */
export function pgCpuBetweenMs(a: Map<string, number> | undefined, b: Map<string, number> | undefined): number | undefined {
  if (!a || !b) return undefined;
  let total = 0;
  for (const [pid, ms] of b) total += ms - (a.get(pid) ?? 0);
  return total;
}
