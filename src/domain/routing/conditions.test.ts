import { describe, expect, it } from 'vitest';
import { conditionSchema, evaluate, toNumber, type Condition, type LeafCondition } from './conditions.js';
import { getPath } from './context.js';

const ctx = {
  channel: 'whatsapp',
  customerName: 'Giulia Rossi',
  phone: '+393331234567',
  firstMessage: 'Ciao, I need help with my INVOICE',
  locale: 'it-IT',
  entryPoint: 'web-pricing',
  placeId: '',
  preChat: { orderNumber: '  ', age: '42', email: 'g@example.it', score: 7.5, vip: true, flag: 'TRUE' },
  contact: { tier: 'Gold', tags: ['vip', 'Returning'], since: 2019, nothing: null },
  variables: { attempts: 3, lang: 'it', off: false },
  skills: { billing: 5, italian: true },
};

describe('leaf operators', () => {
  const rows: Array<[string, LeafCondition, boolean]> = [
    ['equals, case-insensitive by default', { field: 'locale', op: 'equals', value: 'IT-it' }, true],
    ['equals, case-sensitive', { field: 'locale', op: 'equals', value: 'IT-it', caseSensitive: true }, false],
    ['equals, case-sensitive exact', { field: 'locale', op: 'equals', value: 'it-IT', caseSensitive: true }, true],
    ['equals on a missing field', { field: 'preChat.missing', op: 'equals', value: 'x' }, false],
    ['equals numeric string vs number', { field: 'preChat.age', op: 'equals', value: 42 }, true],
    ['equals number vs numeric string', { field: 'variables.attempts', op: 'equals', value: '3.0' }, true],
    ['equals number vs other number', { field: 'variables.attempts', op: 'equals', value: 4 }, false],
    ['equals boolean true', { field: 'preChat.vip', op: 'equals', value: true }, true],
    ['equals boolean vs "TRUE" string', { field: 'preChat.flag', op: 'equals', value: true }, true],
    ['equals on an object is false', { field: 'contact', op: 'equals', value: 'x' }, false],
    ['equals on an array is false', { field: 'contact.tags', op: 'equals', value: 'vip' }, false],
    ['notEquals different', { field: 'channel', op: 'notEquals', value: 'line' }, true],
    ['notEquals same (case-insensitive)', { field: 'channel', op: 'notEquals', value: 'WhatsApp' }, false],
    ['notEquals on a missing field is true', { field: 'nope', op: 'notEquals', value: 'x' }, true],
    ['contains substring, case-insensitive', { field: 'firstMessage', op: 'contains', value: 'invoice' }, true],
    ['contains substring, case-sensitive miss', { field: 'firstMessage', op: 'contains', value: 'invoice', caseSensitive: true }, false],
    ['contains on an array element', { field: 'contact.tags', op: 'contains', value: 'returning' }, true],
    ['contains on an array, no element', { field: 'contact.tags', op: 'contains', value: 'new' }, false],
    ['contains on an object key', { field: 'skills', op: 'contains', value: 'Billing' }, true],
    ['contains on an object key, case-sensitive', { field: 'skills', op: 'contains', value: 'Billing', caseSensitive: true }, false],
    ['contains on a number', { field: 'contact.since', op: 'contains', value: '01' }, true],
    ['contains on a missing field', { field: 'nope', op: 'contains', value: 'a' }, false],
    ['startsWith', { field: 'phone', op: 'startsWith', value: '+39' }, true],
    ['startsWith miss', { field: 'phone', op: 'startsWith', value: '+44' }, false],
    ['startsWith case-insensitive', { field: 'customerName', op: 'startsWith', value: 'giu' }, true],
    ['endsWith', { field: 'preChat.email', op: 'endsWith', value: '.IT' }, true],
    ['endsWith case-sensitive miss', { field: 'preChat.email', op: 'endsWith', value: '.IT', caseSensitive: true }, false],
    ['endsWith on an object', { field: 'contact', op: 'endsWith', value: 'x' }, false],
    ['in a list', { field: 'locale', op: 'in', value: ['fr-FR', 'it-it'] }, true],
    ['in a list, miss', { field: 'locale', op: 'in', value: ['fr-FR', 'de-DE'] }, false],
    ['in numbers with a numeric string', { field: 'preChat.age', op: 'in', value: [41, 42] }, true],
    ['in: any array element', { field: 'contact.tags', op: 'in', value: ['x', 'VIP'] }, true],
    ['in: missing field', { field: 'nope', op: 'in', value: ['a'] }, false],
    ['in without a list', { field: 'locale', op: 'in', value: 'it-IT' }, false],
    ['exists', { field: 'preChat.email', op: 'exists' }, true],
    ['exists: blank string is absent', { field: 'preChat.orderNumber', op: 'exists' }, false],
    ['exists: empty string is absent', { field: 'placeId', op: 'exists' }, false],
    ['exists: null is absent', { field: 'contact.nothing', op: 'exists' }, false],
    ['exists: missing', { field: 'variables.nope', op: 'exists' }, false],
    ['exists: false boolean exists', { field: 'variables.off', op: 'exists' }, true],
    ['notExists on missing', { field: 'variables.nope', op: 'notExists' }, true],
    ['notExists on present', { field: 'locale', op: 'notExists' }, false],
    ['gt numeric string', { field: 'preChat.age', op: 'gt', value: 40 }, true],
    ['gt equal is false', { field: 'preChat.age', op: 'gt', value: 42 }, false],
    ['gte equal', { field: 'preChat.age', op: 'gte', value: '42' }, true],
    ['lt decimal', { field: 'preChat.score', op: 'lt', value: 8 }, true],
    ['lte', { field: 'variables.attempts', op: 'lte', value: 2 }, false],
    ['gt on a non-numeric string is false', { field: 'locale', op: 'gt', value: 1 }, false],
    ['lt on a non-numeric string is false (not NaN-true)', { field: 'locale', op: 'lt', value: 1 }, false],
    ['gt on a missing field', { field: 'nope', op: 'gt', value: 0 }, false],
    ['gt on a blank string', { field: 'preChat.orderNumber', op: 'gte', value: 0 }, false],
    ['gt on a boolean is false', { field: 'preChat.vip', op: 'gte', value: 0 }, false],
    ['gt with a non-numeric rule value', { field: 'preChat.age', op: 'gt', value: 'abc' }, false],
    ['skills level via path', { field: 'skills.billing', op: 'gte', value: 5 }, true],
    ['array index path', { field: 'contact.tags.1', op: 'equals', value: 'returning' }, true],
    ['prototype keys are not fields', { field: 'contact.constructor', op: 'exists' }, false],
    ['__proto__ is not a field', { field: '__proto__', op: 'exists' }, false],
  ];
  it.each(rows)('%s', (_name, cond, expected) => {
    const r = evaluate(cond, ctx);
    expect(r.matched).toBe(expected);
    expect(r.trace).toHaveLength(1);
    expect(r.trace[0]).toMatch(new RegExp(`→ ${expected}`));
  });
});

describe('combinators', () => {
  const yes: Condition = { field: 'channel', op: 'equals', value: 'whatsapp' };
  const no: Condition = { field: 'channel', op: 'equals', value: 'line' };
  const rows: Array<[string, Condition, boolean]> = [
    ['all true', { all: [yes, yes] }, true],
    ['all with one false', { all: [yes, no] }, false],
    ['all empty is true', { all: [] }, true],
    ['any with one true', { any: [no, yes] }, true],
    ['any all false', { any: [no, no] }, false],
    ['any empty is false', { any: [] }, false],
    ['not true', { not: yes }, false],
    ['not false', { not: no }, true],
    ['nested', { all: [yes, { any: [no, { not: no }] }] }, true],
    ['double negation', { not: { not: yes } }, true],
  ];
  it.each(rows)('%s', (_name, cond, expected) => {
    expect(evaluate(cond, ctx).matched).toBe(expected);
  });

  it('explains every leaf, indented by nesting, without short-circuit', () => {
    const r = evaluate({ all: [no, { not: yes }] }, ctx);
    expect(r.trace).toEqual([
      'all of 2: 0 true → false',
      "  channel equals 'line': got 'whatsapp' → false",
      '  not → false',
      "    channel equals 'whatsapp': got 'whatsapp' → true",
    ]);
  });

  it('writes the documented leaf line', () => {
    expect(evaluate({ field: 'locale', op: 'equals', value: 'it-IT' }, ctx).trace).toEqual(["locale equals 'it-IT': got 'it-IT' → true"]);
    expect(evaluate({ field: 'preChat.x', op: 'exists' }, ctx).trace).toEqual(['preChat.x exists: got nothing → false']);
    expect(evaluate({ field: 'locale', op: 'gt', value: 3 }, ctx).trace).toEqual(["locale gt 3: got 'it-IT' → false (not a number)"]);
    expect(evaluate({ field: 'locale', op: 'in', value: ['a', 'b'], caseSensitive: true }, ctx).trace).toEqual([
      "locale in ['a', 'b'] (case-sensitive): got 'it-IT' → false",
    ]);
  });

  it('is false, with a line, for a malformed stored condition', () => {
    const r = evaluate({ nonsense: 1 } as unknown as Condition, ctx);
    expect(r.matched).toBe(false);
    expect(r.trace[0]).toMatch(/invalid condition/);
    expect(evaluate({ all: null } as unknown as Condition, ctx).matched).toBe(true);
  });
});

describe('helpers', () => {
  it.each([
    [5, 5], ['5', 5], [' 5.5 ', 5.5], ['-3', -3], ['1e3', 1000], ['.5', 0.5],
    ['', undefined], ['  ', undefined], ['0x10', undefined], ['abc', undefined], [true, undefined], [null, undefined], [Number.NaN, undefined], [Infinity, undefined],
  ] as Array<[unknown, number | undefined]>)('toNumber(%j) = %j', (v, n) => {
    expect(toNumber(v)).toBe(n);
  });
  it('getPath reads own properties only', () => {
    expect(getPath({ a: { b: [10, 20] } }, 'a.b.1')).toBe(20);
    expect(getPath({ a: { b: [10, 20] } }, 'a.b.x')).toBeUndefined();
    expect(getPath({ a: 'text' }, 'a.length')).toBeUndefined();
    expect(getPath({}, 'toString')).toBeUndefined();
    expect(getPath(null, 'a')).toBeUndefined();
  });
});

describe('conditionSchema', () => {
  const valid: unknown[] = [
    { field: 'locale', op: 'equals', value: 'it-IT' },
    { field: 'preChat.age', op: 'gte', value: '18' },
    { field: 'x', op: 'exists' },
    { field: 'x', op: 'in', value: ['a', 1] },
    { all: [] },
    { any: [{ not: { field: 'channel', op: 'equals', value: 'line', caseSensitive: true } }] },
  ];
  it.each(valid)('accepts %j', (c) => {
    expect(conditionSchema.safeParse(c).success).toBe(true);
  });

  const deep = (n: number): unknown => (n === 0 ? { field: 'a', op: 'exists' } : { not: deep(n - 1) });
  const invalid: Array<[string, unknown]> = [
    ['unknown op', { field: 'a', op: 'like', value: 'x' }],
    ['empty field', { field: '', op: 'exists' }],
    ['empty path segment', { field: 'a..b', op: 'exists' }],
    ['exists with a value', { field: 'a', op: 'exists', value: 'x' }],
    ['in without a list', { field: 'a', op: 'in', value: 'x' }],
    ['in with an empty list', { field: 'a', op: 'in', value: [] }],
    ['gt with text', { field: 'a', op: 'gt', value: 'ten' }],
    ['equals without a value', { field: 'a', op: 'equals' }],
    ['equals with a list', { field: 'a', op: 'equals', value: ['x'] }],
    ['startsWith a boolean', { field: 'a', op: 'startsWith', value: true }],
    ['two shapes at once', { all: [], field: 'a', op: 'exists' }],
    ['unknown key', { field: 'a', op: 'exists', extra: 1 }],
    ['not a list under all', { all: { field: 'a', op: 'exists' } }],
    ['invalid child', { any: [{ field: 'a', op: 'gt' }] }],
    ['too deep', deep(25)],
    ['not an object', 'locale = it'],
  ];
  it.each(invalid)('refuses %s', (_name, c) => {
    expect(conditionSchema.safeParse(c).success).toBe(false);
  });
});
