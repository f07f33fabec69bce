/**
 * A token bucket per key, in memory (one hub process). A bucket holds `perMinute` tokens and
 * refills continuously; each action takes one. Idle buckets are forgotten once full again, so
 * memory stays bounded by the visitors active in the last minute or so.
 */
import type { Clock } from '../../lib/clock.js';

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes a token: 0 when allowed, else how many milliseconds until one is available. */
  take(key: string, perMinute: number): number {
    const now = this.clock.now();
    const rate = perMinute / 60_000;
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(perMinute, b.tokens + (now - b.at) * rate) : perMinute;
    if (tokens >= 1) {
      if (!b && this.buckets.size >= this.maxKeys) this.sweep(now);
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.buckets.set(key, { tokens, at: now });
    return Math.ceil((1 - tokens) / rate);
  }

  private sweep(now: number): void {
    // Any bucket refills completely within a minute: idle ones carry no information.
    for (const [k, b] of this.buckets) if (now - b.at >= 60_000) this.buckets.delete(k);
    // Still too many: drop the oldest (Map keeps insertion order).
    for (const k of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(k);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
