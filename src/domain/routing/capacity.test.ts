import { describe, expect, it } from 'vitest';
import { agentCapacitySchema, canTake, checkCapacity, isFull, remaining, type AgentCapacity, type WorkLoad } from './capacity.js';

const units10: AgentCapacity = { mode: 'units', total: 10 };
const profiles: AgentCapacity = { mode: 'profiles', profiles: { chat: { maxItems: 2 }, default: { maxItems: 1 }, voice: { maxItems: 0 } } };

describe('units mode', () => {
  const rows: Array<[string, AgentCapacity, WorkLoad[], WorkLoad, { ok: boolean; remaining: number; full: boolean }]> = [
    ['empty load', units10, [], { units: 4 }, { ok: true, remaining: 10, full: false }],
    ['fits exactly', units10, [{ units: 6 }], { units: 4 }, { ok: true, remaining: 4, full: false }],
    ['one unit short', units10, [{ units: 4 }, { units: 3 }], { units: 4 }, { ok: false, remaining: 3, full: false }],
    ['full', units10, [{ units: 5 }, { units: 5 }], { units: 1 }, { ok: false, remaining: 0, full: true }],
    ['over capacity after the total was lowered', { mode: 'units', total: 4 }, [{ units: 5 }], { units: 0 }, { ok: false, remaining: -1, full: true }],
    ['zero-cost item fits while not full', units10, [{ units: 9 }], { units: 0 }, { ok: true, remaining: 1, full: false }],
    ['zero-cost item does not fit a full agent', units10, [{ units: 10 }], { units: 0 }, { ok: false, remaining: 0, full: true }],
    ['total 0 takes nothing', { mode: 'units', total: 0 }, [], { units: 0 }, { ok: false, remaining: 0, full: true }],
    ['profiles are ignored in units mode', units10, [{ units: 2, profile: 'chat' }], { units: 8, profile: 'voice' }, { ok: true, remaining: 8, full: false }],
    ['negative or NaN units count as 0', units10, [{ units: -5 }, { units: Number.NaN }], { units: 10 }, { ok: true, remaining: 10, full: false }],
  ];
  it.each(rows)('%s', (_n, cap, load, item, want) => {
    expect(canTake(cap, load, item)).toBe(want.ok);
    expect(remaining(cap, load)).toBe(want.remaining);
    expect(isFull(cap, load)).toBe(want.full);
  });
  it('explains', () => {
    expect(checkCapacity(units10, [{ units: 7 }], { units: 4 })).toEqual({ ok: false, remaining: 3, reason: '3 of 10 units free, needs 4' });
  });
});

describe('profiles mode', () => {
  const rows: Array<[string, WorkLoad[], WorkLoad, { ok: boolean; remaining: number }]> = [
    ['free chat slot', [], { units: 99, profile: 'chat' }, { ok: true, remaining: 2 }],
    ['one chat in use', [{ units: 1, profile: 'chat' }], { units: 1, profile: 'chat' }, { ok: true, remaining: 1 }],
    ['chat full', [{ units: 1, profile: 'chat' }, { units: 1, profile: 'chat' }], { units: 1, profile: 'chat' }, { ok: false, remaining: 0 }],
    ['other profiles do not count', [{ units: 1, profile: 'chat' }, { units: 1, profile: 'chat' }], { units: 1 }, { ok: true, remaining: 1 }],
    ['no profile means default', [{ units: 1 }], { units: 1 }, { ok: false, remaining: 0 }],
    ['a profile with max 0', [], { units: 1, profile: 'voice' }, { ok: false, remaining: 0 }],
    ['a profile the agent lacks', [], { units: 1, profile: 'email' }, { ok: false, remaining: 0 }],
    ['prototype names are not profiles', [], { units: 1, profile: 'constructor' }, { ok: false, remaining: 0 }],
  ];
  it.each(rows)('%s', (_n, load, item, want) => {
    const r = checkCapacity(profiles, load, item);
    expect(r.ok).toBe(want.ok);
    expect(r.remaining).toBe(want.remaining);
    expect(remaining(profiles, load, item.profile)).toBe(want.remaining);
  });
  it('explains', () => {
    expect(checkCapacity(profiles, [{ units: 1, profile: 'chat' }], { units: 1, profile: 'chat' }).reason).toBe("profile 'chat': 1 of 2 in use");
    expect(checkCapacity(profiles, [], { units: 1, profile: 'email' }).reason).toBe("no capacity profile 'email'");
  });
  it.each([
    ['nothing held', [], undefined, false],
    ['chat full, default free', [{ units: 1, profile: 'chat' }, { units: 1, profile: 'chat' }], undefined, false],
    ['every profile full', [{ units: 1, profile: 'chat' }, { units: 1, profile: 'chat' }, { units: 1 }], undefined, true],
    ['asked about chat, which is full', [{ units: 1, profile: 'chat' }, { units: 1, profile: 'chat' }], 'chat', true],
    ['asked about default, free', [{ units: 1, profile: 'chat' }], 'default', false],
  ] as Array<[string, WorkLoad[], string | undefined, boolean]>)('isFull: %s', (_n, load, profile, full) => {
    expect(isFull(profiles, load, profile)).toBe(full);
  });
});

describe('agentCapacitySchema', () => {
  it.each([
    [{ mode: 'units', total: 100 }, true],
    [{ mode: 'profiles', profiles: { chat: { maxItems: 3 } } }, true],
    [{ mode: 'units', total: -1 }, false],
    [{ mode: 'units', total: 1.5 }, false],
    [{ mode: 'profiles', profiles: { chat: { maxItems: -1 } } }, false],
    [{ mode: 'slots', total: 1 }, false],
    [{ mode: 'units', total: 1, profiles: {} }, false],
  ])('%j → %s', (v, ok) => {
    expect(agentCapacitySchema.safeParse(v).success).toBe(ok);
  });
});
