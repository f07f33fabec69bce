/**
 * What a large seeded store holds, decided before anything is written (pure, deterministic):
 * how many conversations are in each state, how many messages each has, which customer identity
 * each belongs to. Live conversations (open, active, waiting) each have their own identity, as
 * the store's one-live-conversation-per-identity index demands; closed ones are older
 * conversations of returning customers.
 */

export interface SeedSizes {
  conversations: number;
  messages: number;
  agents: number;
}

export const FULL_SIZES: SeedSizes = { conversations: 100_000, messages: 1_000_000, agents: 1000 };

/** A small store for smoke runs: 1/20 of every size (at least a handful of each). */
export function quickSizes(s: SeedSizes = FULL_SIZES): SeedSizes {
  return {
    conversations: Math.max(100, Math.round(s.conversations / 20)),
    messages: Math.max(200, Math.round(s.messages / 20)),
    agents: Math.max(10, Math.round(s.agents / 20)),
  };
}

export type SeedState = 'open' | 'active' | 'waiting' | 'wrapup' | 'closed';

export interface StateCounts {
  open: number;
  active: number;
  waiting: number;
  wrapup: number;
  closed: number;
}

/**
 * A busy contact centre at a moment of the day: 2 % of conversations waiting in queues, 2 % with
 * an agent, 0.5 % waiting for the customer, 0.3 % in wrap-up, the rest closed. With 3 units per
 * agent the held ones leave a little free capacity, so the engine has offers to make.
 */
export function stateCounts(conversations: number): StateCounts {
  const share = (p: number) => Math.max(1, Math.round(conversations * p));
  const open = share(0.02);
  const active = share(0.02);
  const waiting = share(0.005);
  const wrapup = share(0.003);
  return { open, active, waiting, wrapup, closed: Math.max(0, conversations - open - active - waiting - wrapup) };
}

/** Returning customers: 7 identities for every 10 conversations, but at least one per conversation that is not closed. */
export function identityCount(conversations: number, counts: StateCounts): number {
  return Math.max(Math.round(conversations * 0.7), conversations - counts.closed);
}

/**
 * State of conversation `i`: the newest ones are live (open, active, waiting), just before them
 * the wrap-ups, everything older is closed. Live ones are the last `live` indices, so with
 * identity `i % identities` each has an identity of its own.
 */
export function stateOf(i: number, conversations: number, c: StateCounts): SeedState {
  const fromEnd = conversations - 1 - i;
  if (fromEnd < c.open) return 'open';
  if (fromEnd < c.open + c.active) return 'active';
  if (fromEnd < c.open + c.active + c.waiting) return 'waiting';
  if (fromEnd < c.open + c.active + c.waiting + c.wrapup) return 'wrapup';
  return 'closed';
}

/**
 * `n` message counts, each at least 1, summing to exactly `total` (at least `n`), spread around
 * the mean (uniform on [1, 2·mean−1]) with `rand` in [0, 1).
 */
export function spreadCounts(total: number, n: number, rand: () => number): number[] {
  if (n <= 0) return [];
  if (total < n) throw new Error(`cannot spread ${total} messages over ${n} conversations (at least one each)`);
  const mean = total / n;
  const counts = Array.from({ length: n }, () => Math.max(1, Math.round(1 + rand() * (2 * mean - 2))));
  let diff = total - counts.reduce((a, b) => a + b, 0);
  // Walk the array adding or taking one at a time until the sum is exact (never below 1).
  for (let i = 0; diff !== 0; i = (i + 1) % n) {
    if (diff > 0) {
      counts[i]!++;
      diff--;
    } else if (counts[i]! > 1) {
      counts[i]!--;
      diff++;
    }
  }
  return counts;
}

/** Deterministic numbers in [0, 1) (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 7 in 10 identities write on LINE, the rest on WhatsApp (Twilio). */
export function kindOfIdentity(j: number): 'line' | 'twilio' {
  return j % 10 < 7 ? 'line' : 'twilio';
}

/** Provider user ids: LINE "U" + 32 hex digits, WhatsApp an E.164 number. */
export function providerUserId(kind: 'line' | 'twilio', j: number, tag: string): string {
  return kind === 'line' ? `U${tag}${j.toString(16).padStart(32 - tag.length, '0')}` : `+1555${String(j).padStart(7, '0')}`;
}
