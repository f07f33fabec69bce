import { describe, expect, it } from 'vitest';
import { pickShare, routeRuleSetSchema, routeToQueue, type RouteRuleSet } from './route-to-queue.js';

const set: RouteRuleSet = {
  id: 'rs',
  rules: [
    { id: 'r-vip', name: 'VIP', condition: { field: 'variables.vip', op: 'equals', value: true }, queueId: 'q-vip' },
    {
      id: 'r-it',
      name: 'Italian',
      condition: { field: 'locale', op: 'startsWith', value: 'it' },
      split: [
        { queueId: 'q-it-a', percent: 70 },
        { queueId: 'q-it-b', percent: 20 },
        { queueId: 'q-it-c', percent: 10 },
      ],
    },
    { id: 'r-wa', condition: { field: 'channel', op: 'equals', value: 'whatsapp' }, queueId: 'q-wa' },
  ],
};

const FB = 'q-fallback';

function run(ctx: Record<string, unknown>, overflowing: string[] = [], roll = 0, rs: RouteRuleSet | undefined = set) {
  const asked: string[] = [];
  let rolls = 0;
  const r = routeToQueue(rs, ctx, {
    fallbackQueueId: FB,
    isOverflowing: (q) => {
      asked.push(q);
      return overflowing.includes(q);
    },
    random: () => {
      rolls++;
      return roll;
    },
  });
  return { ...r, asked, rolls };
}

describe('routeToQueue', () => {
  const rows: Array<[string, Record<string, unknown>, string[], number, { queueId: string; ruleId?: string; fallback: boolean; reason: RegExp }]> = [
    ['first matching rule wins', { variables: { vip: true }, locale: 'it', channel: 'whatsapp' }, [], 0, { queueId: 'q-vip', ruleId: 'r-vip', fallback: false, reason: /rule 'VIP' \(r-vip\) matched → queue q-vip/ }],
    ['an overflowing direct queue passes to the next matching rule', { variables: { vip: true }, locale: 'it' }, ['q-vip'], 0, { queueId: 'q-it-a', ruleId: 'r-it', fallback: false, reason: /split rolled q-it-a/ }],
    ['split: roll 0 → first share', { locale: 'it-IT' }, [], 0, { queueId: 'q-it-a', ruleId: 'r-it', fallback: false, reason: /q-it-a at 70%/ }],
    ['split: roll 0.69 → first share', { locale: 'it-IT' }, [], 0.69, { queueId: 'q-it-a', ruleId: 'r-it', fallback: false, reason: /q-it-a/ }],
    ['split: roll 0.70 → second share', { locale: 'it-IT' }, [], 0.7, { queueId: 'q-it-b', ruleId: 'r-it', fallback: false, reason: /q-it-b at 20%/ }],
    ['split: roll 0.95 → third share', { locale: 'it-IT' }, [], 0.95, { queueId: 'q-it-c', ruleId: 'r-it', fallback: false, reason: /q-it-c at 10%/ }],
    ['split: rolled queue overflowing → the others in listed order', { locale: 'it-IT' }, ['q-it-c'], 0.95, { queueId: 'q-it-a', ruleId: 'r-it', fallback: false, reason: /q-it-c overflowing → queue q-it-a/ }],
    ['split: rolled and first overflowing → next in order', { locale: 'it-IT' }, ['q-it-c', 'q-it-a'], 0.95, { queueId: 'q-it-b', ruleId: 'r-it', fallback: false, reason: /q-it-c, q-it-a overflowing → queue q-it-b/ }],
    ['split all overflowing → next matching rule', { locale: 'it-IT', channel: 'whatsapp' }, ['q-it-a', 'q-it-b', 'q-it-c'], 0.2, { queueId: 'q-wa', ruleId: 'r-wa', fallback: false, reason: /r-wa matched → queue q-wa/ }],
    ['no rule matches → fallback', { locale: 'de', channel: 'line' }, [], 0, { queueId: FB, fallback: true, reason: /^no rule matched \(3 tried\) → fallback queue q-fallback$/ }],
    [
      'every matching rule overflowing → fallback, naming them',
      { variables: { vip: true }, locale: 'it', channel: 'whatsapp' },
      ['q-vip', 'q-it-a', 'q-it-b', 'q-it-c', 'q-wa'],
      0.8,
      { queueId: FB, fallback: true, reason: /overflowing \(rule 'VIP' \(r-vip\): q-vip; rule 'Italian' \(r-it\): q-it-b, q-it-a, q-it-c; rule r-wa: q-wa\) → fallback queue q-fallback/ },
    ],
    ['fallback is used even when it overflows', { channel: 'line' }, [FB], 0, { queueId: FB, fallback: true, reason: /no rule matched/ }],
  ];
  it.each(rows)('%s', (_name, ctx, overflowing, roll, want) => {
    const r = run(ctx, overflowing, roll);
    expect(r.queueId).toBe(want.queueId);
    expect(r.ruleId).toBe(want.ruleId);
    expect(r.usedFallback).toBe(want.fallback);
    expect(r.reason).toMatch(want.reason);
  });

  it('never asks about the fallback queue, asks each queue once, and rolls only for matched splits', () => {
    const a = run({ channel: 'line' }, [FB]);
    expect(a.asked).toEqual([]);
    expect(a.rolls).toBe(0);
    const b = run({ variables: { vip: true }, channel: 'whatsapp' }, []);
    expect(b.asked).toEqual(['q-vip']);
    expect(b.rolls).toBe(0);
    const dup: RouteRuleSet = {
      id: 'd',
      rules: [
        { id: 'a', condition: { all: [] }, queueId: 'q1' },
        { id: 'b', condition: { all: [] }, queueId: 'q1' },
      ],
    };
    const c = run({}, ['q1'], 0, dup);
    expect(c.asked).toEqual(['q1']);
    expect(c.trace.map((t) => t.outcome)).toEqual(['all_overflowing', 'all_overflowing']);
  });

  it.each([
    ['no rule set', undefined],
    ['an empty rule set', { id: 'e', rules: [] }],
  ])('%s → fallback with reason', (_n, rs) => {
    const r = routeToQueue(rs, { locale: 'it' }, { fallbackQueueId: FB, isOverflowing: () => false, random: () => 0 });
    expect(r).toMatchObject({ queueId: FB, usedFallback: true, reason: 'no route-to-queue rules → fallback queue q-fallback', trace: [] });
  });

  it('traces every rule evaluated, with the queues tried', () => {
    const r = run({ locale: 'it', channel: 'whatsapp' }, ['q-it-b'], 0.8);
    expect(r.trace).toEqual([
      { ruleId: 'r-vip', ruleName: 'VIP', matched: false, conditionTrace: ['variables.vip equals true: got nothing → false'], queuesTried: [], outcome: 'not_matched' },
      {
        ruleId: 'r-it',
        ruleName: 'Italian',
        matched: true,
        conditionTrace: ["locale startsWith 'it': got 'it' → true"],
        rolledQueueId: 'q-it-b',
        queuesTried: [
          { queueId: 'q-it-b', overflowing: true },
          { queueId: 'q-it-a', overflowing: false },
        ],
        outcome: 'routed',
      },
    ]);
  });
});

describe('pickShare', () => {
  const split = [
    { queueId: 'a', percent: 50 },
    { queueId: 'b', percent: 0 },
    { queueId: 'c', percent: 50 },
  ];
  it.each([
    [0, 'a'], [0.4999, 'a'], [0.5, 'c'], [0.9999, 'c'], [1, 'c'], [-1, 'a'], [7, 'c'], [Number.NaN, 'a'],
  ])('roll %d → %s (zero-percent shares are never rolled)', (roll, want) => {
    expect(pickShare(split, roll)?.queueId).toBe(want);
  });
  it('normalises percents that do not sum to 100', () => {
    const s = [{ queueId: 'a', percent: 1 }, { queueId: 'b', percent: 3 }];
    expect(pickShare(s, 0.24)?.queueId).toBe('a');
    expect(pickShare(s, 0.26)?.queueId).toBe('b');
  });
  it('all-zero split picks its first queue; an empty split picks none', () => {
    expect(pickShare([{ queueId: 'x', percent: 0 }, { queueId: 'y', percent: 0 }], 0.9)?.queueId).toBe('x');
    expect(pickShare([], 0.5)).toBeUndefined();
  });
  it('distributes as the percents say over a uniform sweep', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) {
      const q = pickShare([{ queueId: 'x', percent: 30 }, { queueId: 'y', percent: 70 }], i / 1000)!.queueId;
      counts[q] = (counts[q] ?? 0) + 1;
    }
    expect(counts).toEqual({ x: 300, y: 700 });
  });
});

describe('routeRuleSetSchema', () => {
  it('accepts the set above', () => {
    expect(routeRuleSetSchema.safeParse(set).success).toBe(true);
  });
  const c = { all: [] };
  it.each([
    ['split not summing to 100', { id: 's', rules: [{ id: 'a', condition: c, split: [{ queueId: 'x', percent: 50 }, { queueId: 'y', percent: 40 }] }] }],
    ['split with one queue', { id: 's', rules: [{ id: 'a', condition: c, split: [{ queueId: 'x', percent: 100 }] }] }],
    ['split repeating a queue', { id: 's', rules: [{ id: 'a', condition: c, split: [{ queueId: 'x', percent: 50 }, { queueId: 'x', percent: 50 }] }] }],
    ['split with a 0% share', { id: 's', rules: [{ id: 'a', condition: c, split: [{ queueId: 'x', percent: 0 }, { queueId: 'y', percent: 100 }] }] }],
    ['both queueId and split', { id: 's', rules: [{ id: 'a', condition: c, queueId: 'q', split: [{ queueId: 'x', percent: 50 }, { queueId: 'y', percent: 50 }] }] }],
    ['neither queueId nor split', { id: 's', rules: [{ id: 'a', condition: c }] }],
    ['duplicate rule ids', { id: 's', rules: [{ id: 'a', condition: c, queueId: 'q' }, { id: 'a', condition: c, queueId: 'q' }] }],
  ])('refuses %s', (_n, s) => {
    expect(routeRuleSetSchema.safeParse(s).success).toBe(false);
  });
});
