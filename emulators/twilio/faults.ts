/**
 * What can change an API call's answer or a message's fate: injected faults (the next matching
 * calls answer a chosen status, body, Retry-After and delay — before handling, or after it with
 * `afterCreate`), the per-account rate limit, and injected delivery failures.
 */
import { stripWhatsApp } from './ids.js';
import type { DeliveryFailureSpec, FaultSpec } from './types.js';

interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultList {
  private faults: ActiveFault[] = [];

  add(f: FaultSpec): void {
    if (!Number.isInteger(f.status) || f.status < 100 || f.status > 599) {
      throw new Error(`Twilio emulator: fault status ${f.status} is not an HTTP status`);
    }
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault of this phase matching the call, counted down; undefined when none matches. */
  take(method: string, path: string, afterCreate: boolean): FaultSpec | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.remaining > 0 &&
        Boolean(f.afterCreate) === afterCreate &&
        (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    const hit = this.faults[i];
    if (hit === undefined) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.faults.splice(i, 1);
    return hit;
  }

  list(): FaultSpec[] {
    return this.faults.map(({ remaining, ...f }) => ({ ...f, times: remaining }));
  }
}

/** Per-account fixed one-second windows on the emulator clock. */
export class RateLimiter {
  private readonly windows = new Map<string, { second: number; count: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** Counts the call; false when it is over the limit. */
  allow(accountSid: string): boolean {
    const second = Math.floor(this.now() / 1000);
    const w = this.windows.get(accountSid);
    if (w === undefined || w.second !== second) {
      this.windows.set(accountSid, { second, count: 1 });
      return this.perSecond >= 1;
    }
    if (w.count >= this.perSecond) return false;
    w.count += 1;
    return true;
  }
}

interface ActiveFailure {
  to?: string;
  errorCode: number;
  status: 'failed' | 'undelivered';
  remaining: number;
}

/** failNextDeliveries(): the next messages to a recipient (or any) fail with a chosen error. */
export class DeliveryFailures {
  private items: ActiveFailure[] = [];

  add(f: DeliveryFailureSpec): void {
    this.items.push({
      ...(f.to === undefined ? {} : { to: stripWhatsApp(f.to) }),
      errorCode: f.errorCode,
      status: f.status ?? 'failed',
      remaining: f.times ?? 1,
    });
  }

  clear(): void {
    this.items = [];
  }

  /** The failure for a message to `to` (E.164), counted down. */
  take(to: string): { errorCode: number; status: 'failed' | 'undelivered' } | undefined {
    const i = this.items.findIndex((f) => f.remaining > 0 && (f.to === undefined || f.to === to));
    const hit = this.items[i];
    if (hit === undefined) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.items.splice(i, 1);
    return { errorCode: hit.errorCode, status: hit.status };
  }

  list(): DeliveryFailureSpec[] {
    return this.items.map((f) => ({ ...(f.to === undefined ? {} : { to: f.to }), errorCode: f.errorCode, status: f.status, times: f.remaining }));
  }
}
