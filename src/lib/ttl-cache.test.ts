import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { TtlCache } from './ttl-cache.js';

function cache(o: { ttlMs?: number; maxEntries?: number } = {}) {
  const clock = new ManualClock(1_000);
  const loads: string[] = [];
  const c = new TtlCache<string | undefined>({ ttlMs: o.ttlMs ?? 100, maxEntries: o.maxEntries ?? 10, now: () => clock.now() });
  /** Loads `v:<key>`, or nothing for keys that start with "none". */
  const get = (key: string) =>
    c.get(key, async () => {
      loads.push(key);
      return key.startsWith('none') ? undefined : `v:${key}`;
    });
  return { c, clock, loads, get };
}

describe('TtlCache', () => {
  it('answers from the cache within the TTL, misses included, and loads again after it', async () => {
    const { clock, loads, get } = cache();
    expect(await get('a')).toBe('v:a');
    expect(await get('none')).toBeUndefined();
    clock.advance(99);
    expect(await get('a')).toBe('v:a');
    expect(await get('none')).toBeUndefined();
    expect(loads).toEqual(['a', 'none']);
    clock.advance(1);
    await get('a');
    expect(loads).toEqual(['a', 'none', 'a']);
  });

  it('shares one load between concurrent lookups of a key', async () => {
    const { loads, get } = cache();
    const [x, y] = await Promise.all([get('a'), get('a')]);
    expect([x, y]).toEqual(['v:a', 'v:a']);
    expect(loads).toEqual(['a']);
  });

  it('forgets a failed load at once', async () => {
    const { c } = cache();
    let calls = 0;
    const failing = () => c.get('k', async () => {
      calls++;
      throw new Error('store down');
    });
    await expect(failing()).rejects.toThrow('store down');
    await expect(failing()).rejects.toThrow('store down');
    expect(calls).toBe(2);
  });

  it('delete and clear make the next lookup load again', async () => {
    const { c, loads, get } = cache();
    await get('a');
    await get('b');
    c.delete('a');
    await get('a');
    await get('b');
    expect(loads).toEqual(['a', 'b', 'a']);
    c.clear();
    await get('b');
    expect(loads).toEqual(['a', 'b', 'a', 'b']);
  });

  it('stays within maxEntries, dropping expired entries first, then the oldest', async () => {
    const { c, clock, loads, get } = cache({ maxEntries: 3 });
    await get('old');
    clock.advance(100); // 'old' expired
    await get('a');
    await get('b');
    await get('c'); // full: 'old' goes
    expect(c.size).toBe(3);
    await get('d'); // full, none expired: 'a', the oldest, goes
    expect(c.size).toBe(3);
    loads.length = 0;
    await get('b');
    await get('a');
    expect(loads).toEqual(['a']);
  });
});
