import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter (token bucket)', () => {
  it('allows a burst of perMinute, then one more per 60/perMinute seconds', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock);
    for (let i = 0; i < 3; i++) expect(rl.take('v', 3)).toBe(0);
    expect(rl.take('v', 3)).toBe(20_000);
    clock.advance(19_000);
    expect(rl.take('v', 3)).toBe(1000);
    clock.advance(1000);
    expect(rl.take('v', 3)).toBe(0);
    expect(rl.take('other', 3)).toBe(0);
  });

  it('forgets idle buckets when it is full', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 2);
    rl.take('a', 5);
    rl.take('b', 5);
    clock.advance(61_000);
    rl.take('c', 5);
    expect(rl.size).toBe(1);
  });
});
