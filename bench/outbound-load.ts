/**
 * The outbound bench's load loop: `connections` keep-alive connections (an undici Pool), each with
 * one request in flight (closed loop), each request a new message with its own key (the text the
 * emulator will see). Requests in flight at the deadline are awaited, so every message sent has a
 * known answer. It remembers when each accepted message was answered (wall clock, ms), to time
 * what happens to it afterwards in the other processes.
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { Samples, type LatencySummary } from './samples.js';

export interface OutboundRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** What identifies the message downstream (its text / Body). */
  key: string;
}

export interface ClosedLoopOptions {
  connections: number;
  durationMs: number;
  /** Makes request number `seq` (numbers are unique across the runs of one maker). */
  make: (seq: number) => OutboundRequest;
}

export interface ClosedLoopResult {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  firstError?: string;
  /** Wall clock (Date.now) at the first request and after the last answer. */
  startedAt: number;
  endedAt: number;
  elapsedMs: number;
  /** Latency of 2xx answers as the client sees it. */
  latencyMs: LatencySummary;
  /** Accepted messages: key → wall-clock time of the 2xx answer. */
  accepted: Map<string, number>;
  /** Messages sent without a 2xx (refused or unanswered): they may or may not exist downstream. */
  unaccepted: Set<string>;
  /** Event-loop utilization of the generating thread. */
  generatorElu: number;
}

let nextSeq = 0;

export async function runClosedLoop(pool: Pool, o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const samples = new Samples();
  const statuses: Record<string, number> = {};
  const accepted = new Map<string, number>();
  const unaccepted = new Set<string>();
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let firstError: string | undefined;
  const elu0 = performance.eventLoopUtilization();
  const startedAt = Date.now();
  const start = performance.now();
  const deadline = start + o.durationMs;

  async function lane(): Promise<void> {
    while (performance.now() < deadline) {
      const r = o.make(nextSeq++);
      sent++;
      const t0 = performance.now();
      try {
        const res = await pool.request({ path: r.path, method: 'POST', headers: r.headers, body: r.body });
        const text = await res.body.text();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          accepted.set(r.key, Date.now());
          samples.push(performance.now() - t0);
          ok++;
        } else {
          unaccepted.add(r.key);
          non2xx++;
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
        }
      } catch (err) {
        unaccepted.add(r.key);
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  }

  await Promise.all(Array.from({ length: o.connections }, () => lane()));
  const endedAt = Date.now();
  return {
    sent,
    ok,
    non2xx,
    errors,
    statuses,
    ...(firstError === undefined ? {} : { firstError }),
    startedAt,
    endedAt,
    elapsedMs: performance.now() - start,
    latencyMs: samples.summary(),
    accepted,
    unaccepted,
    generatorElu: performance.eventLoopUtilization(elu0).utilization,
  };
}
