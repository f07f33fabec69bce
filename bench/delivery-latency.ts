/**
 * One measurement of webhook → agent-socket latency: paced webhooks (open loop) into a server
 * whose agents' sockets are already connected, a warm-up and then the measured run, each followed
 * by a wait for the last events; every acknowledged message must reach a socket exactly once. Used
 * for the hub, the bare baseline (inbound-latency.ts) and across hub processes (scale-out.ts).
 */
import { matchArrivals, type Matched } from './arrival-log.js';
import type { AgentSockets } from './agent-sockets.js';
import type { Generator } from './generator.js';
import type { CpuSample } from './ipc.js';
import type { PacedResult } from './paced-sender.js';
import { busyShare, machineTicks, pgBackendCpuByPid, pgCpuBetweenMs } from './proc-cpu.js';

export interface DeliverySpec {
  label: string;
  /** Webhook path on the origin the generator was started for. */
  path: string;
  rate: number;
  warmupS: number;
  durationS: number;
  /** After the last answer, how long to wait for events still on their way before calling them lost. */
  graceMs: number;
  /** Called right before and after the measured run (e.g. to profile just that window). */
  measuredWindow?: { start(): Promise<void>; stop(): Promise<void> };
}

/** Where the CPU figures come from: the process receiving the webhooks (and its database). */
export interface CpuSource {
  cpu(): Promise<CpuSample>;
  pgName?: string;
}

export interface DeliveryResult {
  label: string;
  /** The measured run (its `acked` arrays dropped). */
  paced: Omit<PacedResult, 'acked'>;
  /** Sends per second actually achieved in the measured run. */
  sendRate: number;
  matched: Matched;
  /** Messages of the warm-up that never arrived (they count as lost too). */
  warmupMissing: number;
  /** Events for a message that had already arrived, over warm-up and measured run. */
  duplicates: number;
  /** 2xx answers over warm-up and measured run. */
  acked: number;
  /** Webhooks not accepted (non-2xx or no answer) over warm-up and measured run: the provider would have to send them again. */
  rejected: number;
  /** CPU time of the webhook-receiving process per 2xx answer (µs) and in cores, over the measured run. */
  cpuUsPerMsg: number;
  cpuCores: number;
  /** Event-loop utilization of its main thread over the measured run. */
  elu: number;
  /** PostgreSQL backends of its database, µs per 2xx answer. */
  pgUsPerMsg?: number;
  machineBusy?: number;
  /** Agent sockets that closed by themselves during the runs. */
  socketsDropped: number;
}

export type Progress = (line: string) => void;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the sockets have seen `expected` message events, or `graceMs` without reaching it. */
async function awaitArrivals(sockets: AgentSockets, expected: number, graceMs: number): Promise<void> {
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if ((await sockets.status()).messages >= expected) return;
    await sleep(20);
  }
}

function describe(p: PacedResult | Omit<PacedResult, 'acked'>): string {
  const rate = p.sendSpanMs > 0 ? ((p.sent - 1) / p.sendSpanMs) * 1000 : 0;
  const bad = p.non2xx + p.errors > 0 ? `, ${p.non2xx} non-2xx ${JSON.stringify(p.statuses)}, ${p.errors} errors${p.firstError ? ` (${p.firstError})` : ''}` : '';
  return `${p.sent} sent at ${Math.round(rate)}/s (sender lag p99 ${p.lagMs.p99.toFixed(1)} ms), ${p.ok} 2xx${bad}, answer p99 ${p.answerMs.p99.toFixed(1)} ms`;
}

export async function measureDelivery(gen: Generator, sockets: AgentSockets, source: CpuSource, s: DeliverySpec, progress: Progress): Promise<DeliveryResult> {
  const dropped0 = (await sockets.status()).droppedUnasked;
  await sockets.take();
  let warmupMissing = 0;
  let duplicates = 0;
  let acked = 0;
  let rejected = 0;
  if (s.warmupS > 0) {
    const warm = await gen.paced({ path: s.path, rate: s.rate, durationMs: s.warmupS * 1000 });
    await awaitArrivals(sockets, warm.ok, s.graceMs);
    const arrivals = await sockets.take();
    const m = matchArrivals(warm.acked, arrivals);
    warmupMissing = m.missing;
    duplicates += arrivals.duplicates;
    acked += warm.ok;
    rejected += warm.sent - warm.ok;
    progress(`${s.label}: warm-up ${s.warmupS} s: ${describe(warm)}; ${m.arrived} events, p99 ${m.latencyMs.p99.toFixed(1)} ms${m.missing ? `, ${m.missing} MISSING` : ''}`);
  }

  const cpu0 = await source.cpu();
  const db0 = source.pgName ? pgBackendCpuByPid(source.pgName) : undefined;
  const m0 = machineTicks();
  await s.measuredWindow?.start();
  const run = await gen.paced({ path: s.path, rate: s.rate, durationMs: s.durationS * 1000 });
  const m1 = machineTicks();
  const db1 = source.pgName ? pgBackendCpuByPid(source.pgName) : undefined;
  const cpu1 = await source.cpu();
  await awaitArrivals(sockets, run.ok, s.graceMs);
  await s.measuredWindow?.stop();
  const arrivals = await sockets.take();
  const matched = matchArrivals(run.acked, arrivals);
  duplicates += arrivals.duplicates;
  acked += run.ok;
  rejected += run.sent - run.ok;

  const cpuUs = cpu1.userUs + cpu1.systemUs - cpu0.userUs - cpu0.systemUs;
  const active = cpu1.elu.active - cpu0.elu.active;
  const idle = cpu1.elu.idle - cpu0.elu.idle;
  const { acked: _ids, ...paced } = run;
  const result: DeliveryResult = {
    label: s.label,
    paced,
    sendRate: run.sendSpanMs > 0 ? ((run.sent - 1) / run.sendSpanMs) * 1000 : 0,
    matched,
    warmupMissing,
    duplicates,
    acked,
    rejected,
    cpuUsPerMsg: run.ok > 0 ? cpuUs / run.ok : 0,
    cpuCores: run.elapsedMs > 0 ? cpuUs / 1000 / run.elapsedMs : 0,
    elu: active + idle > 0 ? active / (active + idle) : 0,
    socketsDropped: (await sockets.status()).droppedUnasked - dropped0,
  };
  const dbMs = pgCpuBetweenMs(db0, db1);
  if (dbMs !== undefined && run.ok > 0) result.pgUsPerMsg = (dbMs * 1000) / run.ok;
  const busy = busyShare(m0, m1);
  if (busy !== undefined) result.machineBusy = busy;
  const l = matched.latencyMs;
  progress(
    `${s.label}: measured ${s.durationS} s: ${describe(run)}; ${matched.arrived} events, webhook → agent p50 ${l.p50.toFixed(1)} ms, ` +
      `p90 ${l.p90.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms` +
      (matched.missing ? `, ${matched.missing} MISSING (e.g. ${matched.missingExamples.join(', ')})` : '') +
      (duplicates ? `, ${duplicates} DUPLICATE events` : '') +
      (result.socketsDropped ? `, ${result.socketsDropped} sockets DROPPED` : ''),
  );
  progress(
    `${s.label}: server CPU ${Math.round(result.cpuUsPerMsg)} µs/msg (${(result.cpuCores * 100).toFixed(0)} % of a core), loop ${Math.round(result.elu * 100)} % busy` +
      (result.pgUsPerMsg === undefined ? '' : `, PostgreSQL backends ${Math.round(result.pgUsPerMsg)} µs/msg`) +
      (busy === undefined ? '' : `, machine ${Math.round(busy * 100)} % busy`),
  );
  return result;
}

/** Every webhook accepted, nothing lost, nothing twice, no socket gone. */
export function deliveryOk(r: DeliveryResult): boolean {
  return r.rejected === 0 && r.paced.ok > 0 && r.matched.missing === 0 && r.warmupMissing === 0 && r.duplicates === 0 && r.socketsDropped === 0;
}
