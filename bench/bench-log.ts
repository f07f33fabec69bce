/** Timestamped progress lines (printed and kept for RESULTS.md), and a word on how idle the machine is before a run. */
import { performance } from 'node:perf_hooks';
import { busyShare, machineTicks } from './proc-cpu.js';

export interface BenchLog {
  progress(line: string): void;
  /** Every line so far. */
  lines: string[];
}

export function benchLog(): BenchLog {
  const t0 = performance.now();
  const lines: string[] = [];
  return {
    lines,
    progress(line) {
      const stamped = `[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`;
      lines.push(stamped);
      console.log(stamped);
    },
  };
}

/** Other work on the machine takes CPU from the server and the clients alike: say so before the run. */
export async function reportIdle(progress: (line: string) => void): Promise<void> {
  const before = machineTicks();
  await new Promise((r) => setTimeout(r, 1000));
  const busy = busyShare(before, machineTicks());
  if (busy === undefined) return;
  const warn = busy > 0.15 ? ' — warning: something else is running; figures will be low and noisy' : '';
  progress(`machine ${Math.round(busy * 100)} % busy in the second before the run${warn}`);
}
