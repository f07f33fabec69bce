/**
 * What can change an API call's answer or a message's fate: injected faults (the next matching
 * calls answer a chosen status, body, Retry-After and delay — before handling, or after it with
 * `afterCreate`), the per-account rate limit, and injected delivery failures. Fault matching and
 * the rate limit are shared (../shared/faults.ts); Twilio's default bodies are in errors.ts.
 */
import { FaultList as SharedFaultList } from '../shared/faults.js';
import { stripWhatsApp } from './ids.js';
import type { DeliveryFailureSpec, FaultSpec } from './types.js';

export { RateLimiter } from '../shared/faults.js';

/** Injected faults; a fault answers before handling, or after it with `afterCreate`. */
export class FaultList extends SharedFaultList<FaultSpec> {
  constructor() {
    super('Twilio');
  }

  /** The first fault of this phase matching the call, counted down; undefined when none matches. */
  takeIn(method: string, path: string, afterCreate: boolean): FaultSpec | undefined {
    return this.take(method, path, (f) => Boolean(f.afterCreate) === afterCreate);
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
