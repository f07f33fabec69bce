/**
 * One scenario: a target (the bare server or a hub on a fresh store) in a child process, the load
 * generator in a worker thread, then prime → warm-up → measured run → store check.
 */
import { startGenerator, type Generator } from './generator.js';
import type { CpuSample } from './ipc.js';
import type { SenderMix } from './line-bodies.js';
import type { AnyBodySpec } from './load-worker.js';
import type { LoadResult } from './load.js';
import { busyShare, machineTicks, pgBackendCpuByPid, pgCpuBetweenMs } from './proc-cpu.js';
import type { StoreKind } from './stores.js';

/** What a scenario needs from the process under load. */
export interface Target {
  origin: string;
  path: string;
  cpu(): Promise<CpuSample>;
  /** PostgreSQL database whose server processes count as the store's CPU. */
  pgName?: string;
  /** Customer messages in the store; undefined for the bare server. */
  storedMessages?(): Promise<{ messagesIn: number; jobsOpen: number; jobsDone: number; ingestBatches?: number; ingestWebhooks?: number }>;
}

/** A provider's body spec without the sender mix (the scenario sets it). */
type BodiesOf<T> = T extends unknown ? Omit<T, 'mix' | 'knownSenders'> : never;

export interface ScenarioSpec {
  name: string;
  store?: StoreKind;
  mix: SenderMix;
  durationS: number;
  warmupS: number;
  connections: number;
  knownSenders: number;
  bodies: BodiesOf<AnyBodySpec>;
}

export interface ScenarioResult {
  name: string;
  store?: StoreKind;
  measured: LoadResult;
  /** Accepted (2xx) requests per second in the measured run. */
  rate: number;
  /** CPU time of the target process per accepted request, µs. */
  cpuUsPerMsg: number;
  /** Event-loop utilization of the target's main thread during the measured run. */
  targetElu: number;
  /** CPU time of the database's PostgreSQL backends per accepted request, µs. */
  dbCpuUsPerMsg?: number;
  /** Share of the machine's CPUs busy during the measured run. */
  machineBusy?: number;
  /** 2xx answers over every phase (prime, warm-up, measured). */
  acked: number;
  stored?: number;
  jobsOpen?: number;
  /** Webhooks per group commit during the measured run. */
  webhooksPerCommit?: number;
}

export type Progress = (line: string) => void;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function describe(r: LoadResult): string {
  const rate = (r.ok / r.elapsedMs) * 1000;
  const bad = r.non2xx + r.errors > 0 ? `, ${r.non2xx} non-2xx ${JSON.stringify(r.statuses)}, ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}` : '';
  return `${fmt(rate)} req/s, p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms${bad}`;
}

function eluBetween(a: CpuSample, b: CpuSample): number {
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
}

export async function runScenario(target: Target, s: ScenarioSpec, progress: Progress): Promise<ScenarioResult> {
  const label = s.store ? `${s.name} [${s.store}]` : s.name;
  const gen: Generator = await startGenerator({
    origin: target.origin,
    connections: s.connections,
    bodies: { ...s.bodies, mix: s.mix, knownSenders: s.knownSenders } as AnyBodySpec,
    initialBodies: s.bodies.reuse ? 20_000 : s.knownSenders + Math.ceil(s.warmupS * 5_000),
  });
  try {
    let acked = 0;
    let warmRate = 20_000;
    if (s.mix === 'known' && target.storedMessages) {
      const prime = await gen.run({ path: target.path, connections: Math.min(s.connections, s.knownSenders), count: s.knownSenders });
      acked += prime.ok;
      progress(`${label}: primed ${prime.ok} of ${s.knownSenders} known senders (one message each)`);
    }
    if (s.warmupS > 0) {
      const warm = await gen.run({ path: target.path, connections: s.connections, durationMs: s.warmupS * 1000 });
      acked += warm.ok;
      warmRate = (warm.sent / warm.elapsedMs) * 1000;
      progress(`${label}: warm-up ${s.warmupS} s: ${describe(warm)}`);
    }
    // Enough bodies for the measured run at 3× the warm-up rate (a hub still warms up during it),
    // made now so no signing is timed.
    if (!s.bodies.reuse) await gen.fill(Math.ceil(warmRate * s.durationS * 3) + 2_000);

    const before = await target.storedMessages?.();
    const cpu0 = await target.cpu();
    const db0 = target.pgName ? pgBackendCpuByPid(target.pgName) : undefined;
    const m0 = machineTicks();
    const measured = await gen.run({ path: target.path, connections: s.connections, durationMs: s.durationS * 1000 });
    const m1 = machineTicks();
    const db1 = target.pgName ? pgBackendCpuByPid(target.pgName) : undefined;
    const cpu1 = await target.cpu();
    acked += measured.ok;
    progress(`${label}: measured ${s.durationS} s: ${describe(measured)}`);

    const per = (us: number) => (measured.ok > 0 ? us / measured.ok : 0);
    const result: ScenarioResult = {
      name: s.name,
      ...(s.store ? { store: s.store } : {}),
      measured,
      rate: (measured.ok / measured.elapsedMs) * 1000,
      cpuUsPerMsg: per(cpu1.userUs + cpu1.systemUs - cpu0.userUs - cpu0.systemUs),
      targetElu: eluBetween(cpu0, cpu1),
      acked,
    };
    const dbMs = pgCpuBetweenMs(db0, db1);
    if (dbMs !== undefined) result.dbCpuUsPerMsg = per(dbMs * 1000);
    const busy = busyShare(m0, m1);
    if (busy !== undefined) result.machineBusy = busy;
    const systemShare = (cpu1.systemUs - cpu0.systemUs) / Math.max(1, cpu1.userUs + cpu1.systemUs - cpu0.userUs - cpu0.systemUs);
    progress(
      `${label}: server CPU ${fmt(result.cpuUsPerMsg)} µs/msg (${Math.round(systemShare * 100)} % in the kernel), ` +
        `server loop ${Math.round(result.targetElu * 100)} % busy, generator loop ${Math.round(measured.generatorElu * 100)} % busy` +
        (result.dbCpuUsPerMsg === undefined ? '' : `, PostgreSQL backends ${fmt(result.dbCpuUsPerMsg)} µs/msg`) +
        (busy === undefined ? '' : `, machine ${Math.round(busy * 100)} % busy`),
    );
    if (target.storedMessages) {
      const st = await target.storedMessages();
      const commits = (st.ingestBatches ?? 0) - (before?.ingestBatches ?? 0);
      if (commits > 0) result.webhooksPerCommit = ((st.ingestWebhooks ?? 0) - (before?.ingestWebhooks ?? 0)) / commits;
      result.stored = st.messagesIn;
      result.jobsOpen = st.jobsOpen;
      const verdict = st.messagesIn === acked ? 'ok' : 'MISMATCH';
      progress(
        `${label}: stored ${fmt(st.messagesIn)} of ${fmt(acked)} acknowledged (${verdict}); ${fmt(st.jobsOpen)} jobs still open, ${fmt(st.jobsDone)} done` +
          (result.webhooksPerCommit === undefined ? '' : `; ${result.webhooksPerCommit.toFixed(1)} webhooks per commit`),
      );
    }
    if (measured.bodiesMadeLate > 0) progress(`${label}: note: ${measured.bodiesMadeLate} bodies were signed during the measured run (pool ran dry)`);
    return result;
  } finally {
    await gen.close();
  }
}
