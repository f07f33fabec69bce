/**
 * A bounded in-process cache of asynchronous lookups that other processes may change: an answer
 * is reused for `ttlMs` (misses too, so unknown keys cannot hammer the store), concurrent lookups
 * of one key share one load, and a failed load is forgotten at once. This process's own writes
 * call `delete` or `clear`; other processes' writes are seen within the TTL.
 */
interface Entry<V> {
  expiresAt: number;
  value: Promise<V>;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly o: { ttlMs: number; maxEntries: number; now: () => number },
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.o.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    if (hit) this.entries.delete(key);
    const value = load();
    const entry: Entry<V> = { expiresAt: now + this.o.ttlMs, value };
    this.remember(key, entry, now);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(key: string, entry: Entry<V>, now: number): void {
    if (this.entries.size >= this.o.maxEntries) {
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
      // Still full: drop the oldest inserted entries (Map keeps insertion order).
      for (const k of this.entries.keys()) {
        if (this.entries.size < this.o.maxEntries) break;
        this.entries.delete(k);
      }
    }
    this.entries.set(key, entry);
  }
}
