import { describe, expect, it } from 'vitest';
import { FULL_SIZES, identityCount, kindOfIdentity, prng, providerUserId, quickSizes, spreadCounts, stateCounts, stateOf } from './seed-plan.js';

describe('spreadCounts', () => {
  it('sums to exactly the total, each at least 1', () => {
    for (const [total, n] of [
      [1_000_000, 100_000],
      [50_000, 5000],
      [10, 10],
      [11, 3],
    ] as const) {
      const counts = spreadCounts(total, n, prng(1));
      expect(counts).toHaveLength(n);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    }
  });

  it('spreads around the mean, deterministically', () => {
    const counts = spreadCounts(1_000_000, 100_000, prng(7));
    expect(Math.max(...counts)).toBeGreaterThan(15);
    expect(spreadCounts(1_000_000, 100_000, prng(7))).toEqual(counts);
  });

  it('refuses fewer messages than conversations', () => {
    expect(() => spreadCounts(5, 10, prng(1))).toThrow(/at least one each/);
  });
});

describe('states', () => {
  it('splits the conversations, most closed', () => {
    const c = stateCounts(100_000);
    expect(c).toEqual({ open: 2000, active: 2000, waiting: 500, wrapup: 300, closed: 95_200 });
  });

  it('gives the newest conversations the live states and each live one its own identity', () => {
    const n = 5000;
    const c = stateCounts(n);
    const ids = identityCount(n, c);
    const states = Array.from({ length: n }, (_, i) => stateOf(i, n, c));
    expect(states.filter((s) => s === 'open')).toHaveLength(c.open);
    expect(states.filter((s) => s === 'wrapup')).toHaveLength(c.wrapup);
    expect(states[n - 1]).toBe('open');
    expect(states[0]).toBe('closed');
    const liveIdentities = states.flatMap((s, i) => (s === 'open' || s === 'active' || s === 'waiting' ? [i % ids] : []));
    expect(new Set(liveIdentities).size).toBe(liveIdentities.length);
  });

  it('quick sizes are a twentieth', () => {
    expect(quickSizes(FULL_SIZES)).toEqual({ conversations: 5000, messages: 50_000, agents: 50 });
  });
});

describe('identities', () => {
  it('are 7 in 10 LINE, with provider-shaped ids', () => {
    const kinds = Array.from({ length: 10 }, (_, j) => kindOfIdentity(j));
    expect(kinds.filter((k) => k === 'line')).toHaveLength(7);
    expect(providerUserId('line', 255, 'abcd1234')).toMatch(/^U[0-9a-f]{32}$/);
    expect(providerUserId('twilio', 42, 'abcd1234')).toBe('+15550000042');
  });
});
