import { describe, expect, it } from 'vitest';
import { classificationRuleSetSchema, classify, type ClassificationRuleSet } from './classification.js';
import { mergeSkills, skillGap } from './skills.js';

const language: ClassificationRuleSet = {
  id: 'cs-lang',
  name: 'Language',
  rules: [
    { id: 'r-it', name: 'Italian', condition: { field: 'locale', op: 'startsWith', value: 'it' }, outputs: { skills: [{ name: 'italian', level: 5 }], variables: { lang: 'it' } } },
    { id: 'r-fr', condition: { field: 'locale', op: 'startsWith', value: 'fr' }, outputs: { skills: [{ name: 'french' }], variables: { lang: 'fr' } } },
    { id: 'r-any', name: 'Anything else', condition: { all: [] }, outputs: { variables: { lang: 'en' } } },
  ],
};

const topic: ClassificationRuleSet = {
  id: 'cs-topic',
  rules: [
    { id: 'r-bill', condition: { field: 'firstMessage', op: 'contains', value: 'invoice' }, outputs: { skills: [{ name: 'billing', level: 3 }], priority: 5 } },
    { id: 'r-bill-2', condition: { field: 'firstMessage', op: 'contains', value: 'bill' }, outputs: { skills: [{ name: 'billing', level: 1 }], priority: 9 } },
  ],
};

/** Reads earlier outputs: variables, skills and priority. */
const escalation: ClassificationRuleSet = {
  id: 'cs-esc',
  rules: [
    {
      id: 'r-vip-it',
      condition: { all: [{ field: 'variables.lang', op: 'equals', value: 'it' }, { field: 'contact.tier', op: 'equals', value: 'gold' }, { field: 'skills', op: 'contains', value: 'billing' }] },
      outputs: { priority: 1, capacityProfile: 'vip', skills: [{ name: 'billing', level: 7 }], variables: { escalated: true } },
    },
    { id: 'r-urgent', condition: { field: 'priority', op: 'lte', value: 5 }, outputs: { variables: { urgent: true } } },
  ],
};

const sets = [language, topic, escalation];

describe('classify', () => {
  const rows: Array<[string, Record<string, unknown>, { fired: Array<string | null>; skills: unknown; priority: number | undefined; profile?: string; vars: Record<string, unknown> }]> = [
    [
      'Italian gold customer with an invoice: every set fires, later sets read earlier outputs',
      { locale: 'it-IT', firstMessage: 'my INVOICE is wrong', contact: { tier: 'Gold' } },
      { fired: ['r-it', 'r-bill', 'r-vip-it'], skills: [{ name: 'italian', level: 5 }, { name: 'billing', level: 7 }], priority: 1, profile: 'vip', vars: { lang: 'it', escalated: true } },
    ],
    [
      'Italian non-gold: escalation falls to the priority rule',
      { locale: 'it-IT', firstMessage: 'invoice' },
      { fired: ['r-it', 'r-bill', 'r-urgent'], skills: [{ name: 'italian', level: 5 }, { name: 'billing', level: 3 }], priority: 5, vars: { lang: 'it', urgent: true } },
    ],
    [
      'a later rule fires when earlier ones do not match',
      { locale: 'fr-FR', firstMessage: 'my bill' },
      { fired: ['r-fr', 'r-bill-2', null], skills: [{ name: 'french' }, { name: 'billing', level: 1 }], priority: 9, vars: { lang: 'fr' } },
    ],
    [
      'first matching rule wins within a set (both topic rules match)',
      { locale: 'fr-FR', firstMessage: 'bill and invoice' },
      { fired: ['r-fr', 'r-bill', 'r-urgent'], skills: [{ name: 'french' }, { name: 'billing', level: 3 }], priority: 5, vars: { lang: 'fr', urgent: true } },
    ],
    [
      'catch-all rule and no topic',
      { locale: 'de-DE', firstMessage: 'hallo' },
      { fired: ['r-any', null, null], skills: [], priority: undefined, vars: { lang: 'en' } },
    ],
    [
      'incoming variables are kept and may be overwritten',
      { locale: 'it', firstMessage: '', variables: { lang: 'xx', source: 'ad' } },
      { fired: ['r-it', null, null], skills: [{ name: 'italian', level: 5 }], priority: undefined, vars: { lang: 'it', source: 'ad' } },
    ],
    [
      'incoming skills/priority keys are not trusted: classification owns them',
      { locale: 'de', firstMessage: '', priority: 1, skills: { billing: 10 } },
      { fired: ['r-any', null, null], skills: [], priority: undefined, vars: { lang: 'en' } },
    ],
  ];
  it.each(rows)('%s', (_name, ctx, want) => {
    const r = classify(sets, ctx);
    expect(r.trace.map((t) => t.firedRuleId)).toEqual(want.fired);
    expect(r.skills).toEqual(want.skills);
    expect(r.priority).toBe(want.priority);
    expect(r.capacityProfile).toBe(want.profile);
    expect(r.variables).toEqual(want.vars);
    expect(r.context.variables).toEqual(want.vars);
    expect(r.context.priority).toBe(want.priority);
  });

  it('with no rule sets returns the context with empty outputs', () => {
    const r = classify([], { locale: 'it' });
    expect(r).toMatchObject({ skills: [], priority: undefined, capacityProfile: undefined, trace: [], variables: {} });
    expect(r.context).toEqual({ locale: 'it', variables: {}, skills: {} });
  });

  it('an empty rule set is traced as such and sets nothing', () => {
    const r = classify([{ id: 'empty', name: 'Nothing', rules: [] }], {});
    expect(r.trace).toEqual([{ ruleSetId: 'empty', ruleSetName: 'Nothing', tried: [], firedRuleId: null, set: {}, summary: "rule set 'Nothing' (empty) has no rules" }]);
  });

  it('traces the rules tried up to the one that fired, with condition traces and a summary', () => {
    const r = classify([language], { locale: 'fr-CA' });
    const t = r.trace[0]!;
    expect(t.tried.map((x) => [x.ruleId, x.matched])).toEqual([['r-it', false], ['r-fr', true]]);
    expect(t.tried[0]!.conditionTrace).toEqual(["locale startsWith 'it': got 'fr-CA' → false"]);
    expect(t.summary).toBe("rule set 'Language' (cs-lang): rule r-fr fired → skills french; variables.lang = 'fr'");
    expect(t.set).toEqual({ skills: [{ name: 'french' }], variables: { lang: 'fr' } });
  });

  it('exposes skills to later conditions as name → level (true without a level)', () => {
    const r = classify([language], { locale: 'fr' });
    expect(r.context.skills).toEqual({ french: true });
  });

  it('does not mutate its input', () => {
    const ctx = { locale: 'it', variables: { a: 1 } };
    classify(sets, ctx);
    expect(ctx).toEqual({ locale: 'it', variables: { a: 1 } });
  });
});

describe('skills helpers', () => {
  it.each([
    [[], [{ name: 'a' }], [{ name: 'a' }]],
    [[{ name: 'a', level: 3 }], [{ name: 'a', level: 5 }], [{ name: 'a', level: 5 }]],
    [[{ name: 'a', level: 5 }], [{ name: 'a', level: 3 }], [{ name: 'a', level: 5 }]],
    [[{ name: 'a' }], [{ name: 'a', level: 2 }], [{ name: 'a', level: 2 }]],
    [[{ name: 'a', level: 2 }], [{ name: 'a' }], [{ name: 'a', level: 2 }]],
    [[{ name: 'a' }], [{ name: 'A' }], [{ name: 'a' }, { name: 'A' }]],
  ])('mergeSkills(%j, %j)', (a, b, want) => {
    expect(mergeSkills(a, b)).toEqual(want);
  });

  it.each([
    [{ a: 5 }, [{ name: 'a', level: 5 }], { missing: [], levelGap: 0, exact: true }],
    [{ a: 9 }, [{ name: 'a', level: 5 }], { missing: [], levelGap: 0, exact: true }],
    [{ a: 1 }, [{ name: 'a' }], { missing: [], levelGap: 0, exact: true }],
    [{ a: 3 }, [{ name: 'a', level: 5 }, { name: 'b' }], { missing: ['b'], levelGap: 2, exact: false }],
    [{}, [], { missing: [], levelGap: 0, exact: true }],
  ])('skillGap(%j, %j)', (agent, req, want) => {
    expect(skillGap(agent, req)).toMatchObject(want);
  });
});

describe('classificationRuleSetSchema', () => {
  it('accepts the sets above', () => {
    for (const s of sets) expect(classificationRuleSetSchema.safeParse(s).success).toBe(true);
  });
  it.each([
    ['duplicate rule ids', { id: 's', rules: [{ id: 'a', condition: { all: [] }, outputs: {} }, { id: 'a', condition: { all: [] }, outputs: {} }] }],
    ['skill level 11', { id: 's', rules: [{ id: 'a', condition: { all: [] }, outputs: { skills: [{ name: 'x', level: 11 }] } }] }],
    ['skill level 0', { id: 's', rules: [{ id: 'a', condition: { all: [] }, outputs: { skills: [{ name: 'x', level: 0 }] } }] }],
    ['variable with a dot', { id: 's', rules: [{ id: 'a', condition: { all: [] }, outputs: { variables: { 'a.b': 1 } } }] }],
    ['bad condition', { id: 's', rules: [{ id: 'a', condition: { field: 'x', op: 'gt' }, outputs: {} }] }],
    ['unknown output', { id: 's', rules: [{ id: 'a', condition: { all: [] }, outputs: { queue: 'q' } }] }],
  ])('refuses %s', (_n, s) => {
    expect(classificationRuleSetSchema.safeParse(s).success).toBe(false);
  });
});
