import { describe, expect, it } from 'vitest';
import { newId, newIdempotencyKey } from './ids.js';

describe('newId', () => {
  it('is the prefix, 9 base-36 digits of time and 16 hex digits', () => {
    expect(newId('msg')).toMatch(/^msg_[0-9a-z]{9}[0-9a-f]{16}$/);
  });

  it('never repeats, across many refills of the random pool', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(newId('x'));
    expect(ids.size).toBe(20_000);
  });

  it('sorts by creation time at millisecond granularity', async () => {
    const a = newId('c');
    await new Promise((r) => setTimeout(r, 5));
    const b = newId('c');
    expect(a < b).toBe(true);
  });
});

describe('newIdempotencyKey', () => {
  it('is a UUID v4', () => {
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
