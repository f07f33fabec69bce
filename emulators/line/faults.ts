/**
 * What can answer an API call before normal handling: injected faults (the next matching calls
 * answer with a chosen status, body, Retry-After and delay) and the per-channel rate limit.
 */
import type { FaultSpec } from './types.js';

interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultList {
  private faults: ActiveFault[] = [];

  add(f: FaultSpec): void {
    if (!Number.isInteger(f.status) || f.status < 100 || f.status > 599) {
      throw new Error(`LINE emulator: fault status ${f.status} is not an HTTP status`);
    }
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault matching this call, counted down; undefined when none matches. */
  take(method: string, path: string): FaultSpec | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.remaining > 0 &&
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

/** Per-channel fixed one-second windows on the emulator clock. */
export class RateLimiter {
  private readonly windows = new Map<string, { second: number; count: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** Counts the call; false when it is over the limit. */
  allow(channelId: string): boolean {
    const second = Math.floor(this.now() / 1000);
    const w = this.windows.get(channelId);
    if (w === undefined || w.second !== second) {
      this.windows.set(channelId, { second, count: 1 });
      return this.perSecond >= 1;
    }
    if (w.count >= this.perSecond) return false;
    w.count += 1;
    return true;
  }
}
