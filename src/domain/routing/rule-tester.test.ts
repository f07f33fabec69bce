import { describe, expect, it } from 'vitest';
import type { ClassificationRuleSet } from './classification.js';
import type { RouteRuleSet } from './route-to-queue.js';
import { testRouting } from './rule-tester.js';

const classificationSets: ClassificationRuleSet[] = [
  {
    id: 'cs1',
    name: 'Language',
    rules: [{ id: 'it', name: 'Italian', condition: { field: 'locale', op: 'equals', value: 'it-IT' }, outputs: { skills: [{ name: 'italian', level: 4 }], variables: { lang: 'it' } } }],
  },
  {
    id: 'cs2',
    rules: [{ id: 'vip', condition: { field: 'contact.tier', op: 'equals', value: 'gold' }, outputs: { priority: 1, capacityProfile: 'vip' } }],
  },
];

const routeSet: RouteRuleSet = {
  id: 'rs',
  rules: [
    // Reads a variable set by classification: proves routing sees the classified context.
    { id: 'to-it', name: 'Italian queue', condition: { field: 'variables.lang', op: 'equals', value: 'it' }, queueId: 'q-it' },
    { id: 'split', condition: { field: 'priority', op: 'equals', value: 1 }, split: [{ queueId: 'q-a', percent: 50 }, { queueId: 'q-b', percent: 50 }] },
  ],
};

describe('testRouting', () => {
  const rows: Array<[string, Record<string, unknown>, { overflowing?: string[]; roll?: number }, { queueId: string; ruleId?: string; fallback: boolean }]> = [
    ['classified variable routes to the Italian queue', { locale: 'it-IT' }, {}, { queueId: 'q-it', ruleId: 'to-it', fallback: false }],
    ['classified priority routes to the split, default roll 0 → first share', { locale: 'en', contact: { tier: 'Gold' } }, {}, { queueId: 'q-a', ruleId: 'split', fallback: false }],
    ['injected roll picks the second share', { locale: 'en', contact: { tier: 'Gold' } }, { roll: 0.9 }, { queueId: 'q-b', ruleId: 'split', fallback: false }],
    ['overflowing Italian queue falls through to the split', { locale: 'it-IT', contact: { tier: 'gold' } }, { overflowing: ['q-it'] }, { queueId: 'q-a', ruleId: 'split', fallback: false }],
    ['nothing matches → fallback', { locale: 'en' }, {}, { queueId: 'q-fb', fallback: true }],
    ['everything overflowing → fallback', { locale: 'it-IT', contact: { tier: 'gold' } }, { overflowing: ['q-it', 'q-a', 'q-b'] }, { queueId: 'q-fb', fallback: true }],
  ];
  it.each(rows)('%s', (_name, context, opts, want) => {
    const r = testRouting({
      classificationSets,
      routeSet,
      fallbackQueueId: 'q-fb',
      context,
      ...(opts.overflowing && { isOverflowing: (q: string) => opts.overflowing!.includes(q) }),
      ...(opts.roll !== undefined && { random: () => opts.roll! }),
    });
    expect(r.queueId).toBe(want.queueId);
    expect(r.ruleId).toBe(want.ruleId);
    expect(r.usedFallback).toBe(want.fallback);
    expect(r.explanation.at(-1)).toBe(`Queue: ${r.queueId} — ${r.reason}`);
  });

  it('explains which rules fired, what they set, and why the queue', () => {
    const r = testRouting({ classificationSets, routeSet, fallbackQueueId: 'q-fb', context: { locale: 'it-IT' } });
    expect(r.explanation).toEqual([
      'Classification:',
      "  rule set 'Language' (cs1): rule 'Italian' (it) fired → skills italian(4); variables.lang = 'it'",
      "    rule 'Italian' (it): matched",
      "      locale equals 'it-IT': got 'it-IT' → true",
      '  rule set cs2: no rule matched (1 tried)',
      '    rule vip: did not match',
      "      contact.tier equals 'gold': got nothing → false",
      '  result: skills italian(4)',
      'Route to queue:',
      "  rule 'Italian queue' (to-it): matched, queues tried: q-it",
      "    variables.lang equals 'it': got 'it' → true",
      "Queue: q-it — rule 'Italian queue' (to-it) matched → queue q-it",
    ]);
    expect(r.classification.skills).toEqual([{ name: 'italian', level: 4 }]);
  });

  it('works with nothing configured', () => {
    const r = testRouting({ classificationSets: [], routeSet: undefined, fallbackQueueId: 'q-fb', context: {} });
    expect(r.queueId).toBe('q-fb');
    expect(r.explanation).toEqual([
      'Classification: no rule sets',
      '  result: no skills, priority or capacity profile set',
      'Route to queue: no rules',
      'Queue: q-fb — no route-to-queue rules → fallback queue q-fb',
    ]);
  });
});
