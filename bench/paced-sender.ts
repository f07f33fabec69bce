/**
 * Open-loop pacing: webhook k leaves at start + k / rate, whether or not earlier ones were
 * answered (a closed loop would slow down with the server and hide its stalls). Each send is
 * stamped on the shared monotonic clock (mono-clock.ts) so its arrival at an agent's socket can be
 * matched; the LINE message id inside the body is the key. Runs in the load generator's worker
 * thread (load-worker.ts), never in the thread that reads the agents' sockets.
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import type { Sent } from './arrival-log.js';
import type { BodyPool, SignedBody } from './line-bodies.js';
import { monotonicMs } from './mono-clock.js';
import { Samples, type LatencySummary } from './samples.js';

export interface PacedOptions {
  path: string;
  /** Webhooks per second. */
  rate: number;
  durationMs: number;
}

export interface PacedResult {
  /** Webhooks the schedule called for. */
  scheduled: number;
  sent: number;
  ok: number;
  non2xx: number;
  /** Requests that got no HTTP answer. */
  errors: number;
  statuses: Record<string, number>;
  firstError?: string;
  /** First send → last send: the achieved rate is sent / sendSpanMs. */
  sendSpanMs: number;
  /** First send → last answer. */
  elapsedMs: number;
  /** HTTP answer time of the 2xx answers, ms. */
  answerMs: LatencySummary;
  /** How late each send left against its schedule, ms (the sender's own lag; near 0 is fair). */
  lagMs: LatencySummary;
  /** The 2xx-acknowledged messages with their send times. */
  acked: Sent;
  generatorElu: number;
}

/** How many sends are due `elapsedMs` after the start at `rate` per second (send 0 is due at once). */
export function dueBy(elapsedMs: number, rate: number): number {
  if (elapsedMs < 0) return 0;
  return Math.floor((elapsedMs * rate) / 1000 + 1e-9) + 1;
}

/** Sends in a `durationMs` run at `rate` per second. */
export function scheduledCount(durationMs: number, rate: number): number {
  return Math.max(1, Math.round((durationMs * rate) / 1000));
}

const MESSAGE_ID = /"message":\{"type":"[a-z]+","id":"([^"]+)"/;

/** The LINE message id in a webhook body made by line-bodies.ts (the provider id the hub stores). */
export function lineMessageId(body: Buffer): string {
  const m = MESSAGE_ID.exec(body.toString('utf8'));
  if (!m?.[1]) throw new Error('no LINE message id in the webhook body');
  return m[1];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runPaced(pool: Pool, bodies: BodyPool, o: PacedOptions): Promise<PacedResult> {
  const total = scheduledCount(o.durationMs, o.rate);
  // Bodies and their ids are ready before the clock starts: no signing or parsing is timed.
  bodies.fill(total);
  const batch: Array<SignedBody & { id: string }> = [];
  for (let i = 0; i < total; i++) {
    const b = bodies.take();
    batch.push({ ...b, id: lineMessageId(b.body) });
  }
  const answers = new Samples();
  const lags = new Samples();
  const statuses: Record<string, number> = {};
  const sentAt = new Float64Array(total);
  const okFlags = new Uint8Array(total);
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastSendMono = 0;
  const inFlight = new Set<Promise<void>>();

  const fire = (k: number, dueAt: number) => {
    const { body, signature } = batch[k]!;
    lags.push(Math.max(0, performance.now() - dueAt));
    const t0 = monotonicMs();
    sentAt[k] = t0;
    lastSendMono = t0;
    sent++;
    const p = pool
      .request({
        path: o.path,
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'LineBotWebhook/2.0', 'x-line-signature': signature },
        body,
      })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          ok++;
          okFlags[k] = 1;
          answers.push(monotonicMs() - t0);
        } else {
          non2xx++;
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        }
      })
      .catch((err: unknown) => {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const elu0 = performance.eventLoopUtilization();
  const start = performance.now();
  const firstMono = monotonicMs();
  const interval = 1000 / o.rate;
  let k = 0;
  while (k < total) {
    const due = Math.min(total, dueBy(performance.now() - start, o.rate));
    for (; k < due; k++) fire(k, start + k * interval);
    // A timer, not a busy loop: spinning would take a core from the server on a small machine.
    // Node's timers have a 1 ms grain, so sends leave in small bursts at most ~1 ms late (lagMs).
    if (k < total) await sleep(Math.max(0, start + k * interval - performance.now()));
  }
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  const endMono = monotonicMs();

  const acked: Sent = { ids: [], atMs: [] };
  for (let i = 0; i < total; i++) {
    if (!okFlags[i]) continue;
    acked.ids.push(batch[i]!.id);
    acked.atMs.push(sentAt[i]!);
  }
  return {
    scheduled: total,
    sent,
    ok,
    non2xx,
    errors,
    statuses,
    ...(firstError === undefined ? {} : { firstError }),
    sendSpanMs: lastSendMono - firstMono,
    elapsedMs: endMono - firstMono,
    answerMs: answers.summary(),
    lagMs: lags.summary(),
    acked,
    generatorElu: performance.eventLoopUtilization(elu0).utilization,
  };
}
