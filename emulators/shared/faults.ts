/**
 * Fault injection and rate limiting common to every emulator: a list of injected faults (the next
 * matching calls answer a chosen status, body, Retry-After and delay), how a fault is answered, and
 * fixed one-second rate-limit windows. Provider-specific parts (default error bodies, which paths
 * are checked, extra fault fields) stay in each emulator's own faults.ts and server.ts.
 */
import type { FastifyReply } from 'fastify';

/** The fields every emulator's FaultSpec has; an emulator may add its own (Twilio's afterCreate). */
export interface FaultSpecBase {
  method?: string;
  /** Exact path (no query string), or a RegExp tested against it. */
  path: string | RegExp;
  status: number;
  /** Default: the emulator's provider-shaped error body for the status. */
  body?: unknown;
  /** Default 1; Infinity for every matching call until clear(). */
  times?: number;
  retryAfterSec?: number;
  /** Hang this long before answering. */
  delayMs?: number;
}

type Active<F> = F & { remaining: number };

export class FaultList<F extends FaultSpecBase = FaultSpecBase> {
  private faults: Active<F>[] = [];

  /** `emulator` names the emulator in errors ("LINE", "Twilio", "GBM"). */
  constructor(private readonly emulator: string) {}

  add(f: F): void {
    if (!Number.isInteger(f.status) || f.status < 100 || f.status > 599) {
      throw new Error(`${this.emulator} emulator: fault status ${f.status} is not an HTTP status`);
    }
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The first fault matching this call (and `accept`, when given), counted down; undefined when
   * none matches.
   */
  take(method: string, path: string, accept?: (f: F) => boolean): F | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.remaining > 0 &&
        (accept === undefined || accept(f)) &&
        (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    const hit = this.faults[i];
    if (hit === undefined) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.faults.splice(i, 1);
    return hit;
  }

  list(): F[] {
    return this.faults.map(({ remaining, ...f }) => ({ ...f, times: remaining }) as unknown as F);
  }
}

/** Fixed one-second windows on the emulator clock, one per key (a channel, an account). */
export class RateLimiter {
  private readonly windows = new Map<string, { second: number; count: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** Counts the call; false when it is over the limit. */
  allow(key: string): boolean {
    const second = Math.floor(this.now() / 1000);
    const w = this.windows.get(key);
    if (w === undefined || w.second !== second) {
      this.windows.set(key, { second, count: 1 });
      return this.perSecond >= 1;
    }
    if (w.count >= this.perSecond) return false;
    w.count += 1;
    return true;
  }
}

/** Waits `ms`; with a signal, resolves early (at once if already) when it aborts, so close() is not held up. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Hangs for the fault's `delayMs`, if any. */
export async function faultDelay(fault: FaultSpecBase, signal?: AbortSignal): Promise<void> {
  if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs, signal);
}

/** Sets `Retry-After` when the fault names one. */
export function setRetryAfter(reply: FastifyReply, fault: FaultSpecBase): void {
  if (fault.retryAfterSec !== undefined) void reply.header('retry-after', String(fault.retryAfterSec));
}

/**
 * Answers a call with a fault: its delay, then `Retry-After`, its status, and its body or else
 * `defaultBody(status)` (the provider's error shape).
 */
export async function answerFault(
  reply: FastifyReply,
  fault: FaultSpecBase,
  defaultBody: (status: number) => unknown,
  signal?: AbortSignal,
): Promise<FastifyReply> {
  await faultDelay(fault, signal);
  setRetryAfter(reply, fault);
  return reply.code(fault.status).send(fault.body ?? defaultBody(fault.status));
}
