/**
 * Closed-loop webhook ingest spread over one or more hub processes sharing a store: the ingest
 * bench's generator (generator.ts → load.ts, one worker thread per hub, `connections` split evenly
 * between them), each with its own 100 known senders, primed, warmed up and measured at the same
 * time. scenario.ts does this for one target; this is the same procedure for several at once, so
 * "one hub" and "two hubs" are measured alike (scale-out.ts).
 */
import { startGenerator, type Generator } from './generator.js';
import type { CpuSample } from './ipc.js';
import type { LoadResult } from './load.js';
import { busyShare, machineTicks, pgBackendCpuByPid, pgCpuBetweenMs } from './proc-cpu.js';
import type { Target } from './scenario.js';

export interface ClosedLoopSpec {
  label: string;
  connections: number;
  warmupS: number;
  durationS: number;
  knownSenders: number;
  bodies: { channelSecret: string; destination: string };
}

export interface ClosedLoopResult {
  label: string;
  hubs: number;
  /** 2xx answers per second over all hubs in the measured run. */
  rate: number;
  perHub: Array<{ rate: number; p50: number; p99: number; elu: number; cpuUsPerMsg: number; non2xx: number }>;
  /** CPU of every hub process together, in cores. */
  hubCores: number;
  pgUsPerMsg?: number;
  machineBusy?: number;
  generatorElu: number;
  /** 2xx answers over every phase (priming, warm-up, measured). */
  acked: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function eluBetween(a: CpuSample, b: CpuSample): number {
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
}

export async function closedLoopIngest(targets: Target[], s: ClosedLoopSpec, progress: (line: string) => void): Promise<ClosedLoopResult> {
  const per = Math.max(1, Math.round(s.connections / targets.length));
  const gens: Generator[] = [];
  try {
    for (const t of targets) {
      gens.push(
        await startGenerator({
          origin: t.origin,
          connections: per,
          bodies: { ...s.bodies, mix: 'known', knownSenders: s.knownSenders },
          initialBodies: s.knownSenders + Math.ceil(s.warmupS * 3_000),
        }),
      );
    }
    const all = (fn: (g: Generator, t: Target) => Promise<LoadResult>) => Promise.all(gens.map((g, i) => fn(g, targets[i]!)));
    const okOf = (rs: LoadResult[]) => rs.reduce((a, r) => a + r.ok, 0);
    let acked = okOf(await all((g, t) => g.run({ path: t.path, connections: Math.min(per, s.knownSenders), count: s.knownSenders })));
    let warmRates = targets.map(() => 3_000);
    if (s.warmupS > 0) {
      const warm = await all((g, t) => g.run({ path: t.path, connections: per, durationMs: s.warmupS * 1000 }));
      acked += okOf(warm);
      warmRates = warm.map((w) => (w.sent / w.elapsedMs) * 1000);
      progress(`${s.label}: warm-up ${s.warmupS} s: ${warm.map((w) => `${fmt((w.ok / w.elapsedMs) * 1000)}/s`).join(' + ')}`);
    }
    // Enough bodies for the measured run at 3× the warm-up rate, made now so no signing is timed.
    await Promise.all(gens.map((g, i) => g.fill(Math.ceil(warmRates[i]! * s.durationS * 3) + 2_000)));

    const cpu0 = await Promise.all(targets.map((t) => t.cpu()));
    const pgName = targets[0]?.pgName;
    const db0 = pgName ? pgBackendCpuByPid(pgName) : undefined;
    const m0 = machineTicks();
    const measured = await all((g, t) => g.run({ path: t.path, connections: per, durationMs: s.durationS * 1000 }));
    const m1 = machineTicks();
    const db1 = pgName ? pgBackendCpuByPid(pgName) : undefined;
    const cpu1 = await Promise.all(targets.map((t) => t.cpu()));
    const ok = okOf(measured);
    acked += ok;
    const elapsedMs = Math.max(...measured.map((r) => r.elapsedMs));
    const cpuUs = (i: number) => cpu1[i]!.userUs + cpu1[i]!.systemUs - cpu0[i]!.userUs - cpu0[i]!.systemUs;
    const result: ClosedLoopResult = {
      label: s.label,
      hubs: targets.length,
      rate: (ok / elapsedMs) * 1000,
      perHub: measured.map((r, i) => ({
        rate: (r.ok / r.elapsedMs) * 1000,
        p50: r.latencyMs.p50,
        p99: r.latencyMs.p99,
        elu: eluBetween(cpu0[i]!, cpu1[i]!),
        cpuUsPerMsg: r.ok > 0 ? cpuUs(i) / r.ok : 0,
        non2xx: r.non2xx + r.errors,
      })),
      hubCores: targets.reduce((a, _t, i) => a + cpuUs(i), 0) / 1000 / elapsedMs,
      generatorElu: Math.max(...measured.map((r) => r.generatorElu)),
      acked,
    };
    const dbMs = pgCpuBetweenMs(db0, db1);
    if (dbMs !== undefined && ok > 0) result.pgUsPerMsg = (dbMs * 1000) / ok;
    const busy = busyShare(m0, m1);
    if (busy !== undefined) result.machineBusy = busy;
    progress(
      `${s.label}: measured ${s.durationS} s: ${fmt(result.rate)} 2xx/s (${result.perHub.map((h) => `${fmt(h.rate)}/s, p99 ${h.p99.toFixed(1)} ms, loop ${Math.round(h.elu * 100)} % busy${h.non2xx ? `, ${h.non2xx} non-2xx` : ''}`).join(' + ')}); ` +
        `hubs ${result.hubCores.toFixed(2)} cores` +
        (result.pgUsPerMsg === undefined ? '' : `, PostgreSQL backends ${fmt(result.pgUsPerMsg)} µs/msg`) +
        (busy === undefined ? '' : `, machine ${Math.round(busy * 100)} % busy`),
    );
    return result;
  } finally {
    await Promise.all(gens.map((g) => g.close()));
  }
}
