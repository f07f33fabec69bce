/**
 * Injected faults: the next calls matching a method and path answer with a chosen status, body,
 * Retry-After and delay, before authentication and validation.
 */
import type { FaultSpec } from './types.js';

interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultList {
  private faults: ActiveFault[] = [];

  add(f: FaultSpec): void {
    if (!Number.isInteger(f.status) || f.status < 100 || f.status > 599) {
      throw new Error(`GBM emulator: fault status ${f.status} is not an HTTP status`);
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
