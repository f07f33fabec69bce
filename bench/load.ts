/**
 * The load loop: `connections` keep-alive connections (an undici Pool), each with one request in
 * flight at a time, sending pre-signed bodies until the time is up or `count` were sent. Requests
 * in flight at the deadline are awaited, not dropped, so every request sent has a known answer
 * (which is what lets the runner compare 2xx answers with stored messages exactly).
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { lineHeaders, type BodyPool } from './line-bodies.js';
import { Samples, type LatencySummary } from './samples.js';

export interface LoadOptions {
  path: string;
  connections: number;
  durationMs?: number;
  /** Stop after this many requests instead of after a duration. */
  count?: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  non2xx: number;
  /** Requests that got no HTTP answer. */
  errors: number;
  statuses: Record<string, number>;
  firstError?: string;
  /** From the first request sent to the last answer received. */
  elapsedMs: number;
  /** Latency of 2xx answers. */
  latencyMs: LatencySummary;
  /** Event-loop utilization of the generator thread during the run (near 1: the generator is the limit). */
  generatorElu: number;
  /** Bodies made during the run because the pre-made pool ran dry. */
  bodiesMadeLate: number;
}

export async function runLoad(pool: Pool, bodies: BodyPool, o: LoadOptions): Promise<LoadResult> {
  const samples = new Samples();
  const statuses: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let firstError: string | undefined;
  const lateBefore = bodies.madeLate;
  const elu0 = performance.eventLoopUtilization();
  const start = performance.now();
  const deadline = o.durationMs === undefined ? Infinity : start + o.durationMs;
  const limit = o.count ?? Infinity;

  async function lane(): Promise<void> {
    while (sent < limit && performance.now() < deadline) {
      sent++;
      const { body, signature, headers } = bodies.take();
      const t0 = performance.now();
      try {
        const res = await pool.request({
          path: o.path,
          method: 'POST',
          headers: headers ?? lineHeaders(signature),
          body,
        });
        await res.body.dump();
        const ms = performance.now() - t0;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          ok++;
          samples.push(ms);
        } else {
          non2xx++;
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        }
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  }

  await Promise.all(Array.from({ length: o.connections }, () => lane()));
  const elapsedMs = performance.now() - start;
  return {
    sent,
    ok,
    non2xx,
    errors,
    statuses,
    ...(firstError === undefined ? {} : { firstError }),
    elapsedMs,
    latencyMs: samples.summary(),
    generatorElu: performance.eventLoopUtilization(elu0).utilization,
    bodiesMadeLate: bodies.madeLate - lateBefore,
  };
}
