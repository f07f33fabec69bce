import { describe, expect, it } from 'vitest';
import { BUILT_IN_MESSAGES } from './automated-message-defaults.js';
import {
  TRIGGERS,
  languageChain,
  onPositionRecomputed,
  onQueued,
  queuePositions,
  readPath,
  renderSlugs,
  resolveAutomatedMessage,
  slugsOf,
  templateVariables,
  type AutomatedMessage,
  type SlugValues,
} from './automated-messages.js';

const context = {
  customerName: 'Giulia',
  variables: { tier: 'gold', count: 3, vip: true, nested: { deep: 'x' } },
  preChat: { email: 'giulia@example.com' },
  evil: 'line one\nline two\u0007',
};

describe('renderSlugs', () => {
  const cases: Array<[string, string, SlugValues, string]> = [
    ['agent and queue', 'Hi, I am {AgentName} from {QueueName}.', { AgentName: 'Ana', QueueName: 'Billing' }, 'Hi, I am Ana from Billing.'],
    ['position number', 'You are number {Position}.', { Position: 3 }, 'You are number 3.'],
    ['holiday', 'Closed for {HolidayName}.', { HolidayName: 'Christmas' }, 'Closed for Christmas.'],
    ['context variable', 'Hi {$customerName$}!', { context }, 'Hi Giulia!'],
    ['dotted path', 'Tier {$variables.tier$}, mail {$preChat.email$}', { context }, 'Tier gold, mail giulia@example.com'],
    ['numbers and booleans', '{$variables.count$} {$variables.vip$}', { context }, '3 true'],
    ['objects render empty', 'a {$variables.nested$} b', { context }, 'a b'],
    ['missing name: the gap before a comma goes', 'Hi {$customerName$}, welcome', { context: {} }, 'Hi, welcome'],
    ['missing name at the end', 'Welcome {$customerName$}', { context: {} }, 'Welcome'],
    ['missing at the start', '{AgentName} joined.', {}, 'joined.'],
    ['missing between words', 'Hello {AgentName} here', {}, 'Hello here'],
    ['unknown slug renders empty', 'x {Nope} y', {}, 'x y'],
    ['unknown path renders empty', 'x {$no.such.path$} y', { context }, 'x y'],
    ['slug names ignore case', '{agentname} / {QUEUENAME}', { AgentName: 'Ana', QueueName: 'Q' }, 'Ana / Q'],
    ['values are not re-expanded', 'Hi {$customerName$}', { context: { customerName: '{AgentName}' }, AgentName: 'Ana' }, 'Hi {AgentName}'],
    ['control characters become spaces', '[{$evil$}]', { context }, '[line one line two]'],
    ['no prototype walk', '{$constructor.name$}{$__proto__$}', { context }, ''],
    ['plain braces stay', 'Use {{1}} or { x }', {}, 'Use {{1}} or { x }'],
    ['korean suffix after empty name', '{AgentName}님', {}, '님'],
  ];
  it.each(cases)('%s', (_name, text, values, expected) => {
    expect(renderSlugs(text, values).text).toBe(expected);
  });

  it('returns the slug values in order of appearance, for a template fallback', () => {
    const r = renderSlugs('{$customerName$}, {AgentName} will help ({$customerName$})', { context, AgentName: 'Ana' });
    expect(r.values).toEqual(['Giulia', 'Ana', 'Giulia']);
    expect(templateVariables(r.values)).toEqual({ '1': 'Giulia', '2': 'Ana', '3': 'Giulia' });
  });

  it('lists the slugs a text uses', () => {
    expect(slugsOf('{AgentName} {$a.b$} {Position}')).toEqual(['AgentName', '$a.b$', 'Position']);
  });

  it('reads paths through own properties only', () => {
    expect(readPath({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(readPath({ a: [1] }, 'a.0')).toBeUndefined();
    expect(readPath({}, 'toString')).toBeUndefined();
    expect(readPath({ a: 1 }, 'a.')).toBeUndefined();
  });
});

describe('built-in defaults', () => {
  it('cover every trigger in English, Italian, Dutch and Korean', () => {
    for (const lang of ['en', 'it', 'nl', 'ko']) {
      for (const t of TRIGGERS) expect(BUILT_IN_MESSAGES[lang]?.[t], `${lang} ${t}`).toMatch(/\S/);
    }
  });
  it('use only known slugs', () => {
    for (const texts of Object.values(BUILT_IN_MESSAGES)) {
      for (const text of Object.values(texts)) {
        for (const s of slugsOf(text)) expect(['AgentName', 'QueueName', 'Position', 'HolidayName', '$customerName$']).toContain(s);
      }
    }
  });
});

describe('resolveAutomatedMessage', () => {
  let n = 0;
  const msg = (o: Partial<AutomatedMessage>): AutomatedMessage => ({
    id: `am${++n}`,
    trigger: 'greeting',
    channel: 'line',
    language: 'en',
    channelInstanceId: '',
    text: `text ${n}`,
    templateId: null,
    enabled: true,
    createdAt: 0,
    updatedAt: n,
    ...o,
  });
  const q = { trigger: 'greeting' as const, channel: 'line', channelInstanceId: 'ci_1', language: 'it-IT' };

  it('orders languages: the tag, its primary subtag, English', () => {
    expect(languageChain('it-IT')).toEqual(['it-IT', 'it', 'en']);
    expect(languageChain('en-US')).toEqual(['en-US', 'en']);
    expect(languageChain('en')).toEqual(['en']);
    expect(languageChain('zh-Hant-TW')).toEqual(['zh-Hant-TW', 'zh', 'en']);
  });

  it('an instance message beats every channel-wide one', () => {
    const inst = msg({ channelInstanceId: 'ci_1', language: 'en', text: 'instance' });
    const rows = [msg({ language: 'it-IT', text: 'wide it-IT' }), inst];
    expect(resolveAutomatedMessage(rows, q)).toMatchObject({ source: 'instance', text: 'instance' });
  });

  it('an instance message of another instance does not apply', () => {
    const rows = [msg({ channelInstanceId: 'ci_2', text: 'other' })];
    expect(resolveAutomatedMessage(rows, q)).toMatchObject({ source: 'default', language: 'it' });
  });

  it('channel-wide: exact language, then primary subtag, then English', () => {
    const exact = msg({ language: 'it-IT', text: 'exact' });
    const primary = msg({ language: 'it', text: 'primary' });
    const english = msg({ language: 'en', text: 'english' });
    expect(resolveAutomatedMessage([english, primary, exact], q).text).toBe('exact');
    expect(resolveAutomatedMessage([english, primary], q).text).toBe('primary');
    expect(resolveAutomatedMessage([english], q).text).toBe('english');
    expect(resolveAutomatedMessage([msg({ language: 'IT-it', text: 'case' })], q).text).toBe('case');
  });

  it('ignores other triggers and channels', () => {
    const rows = [msg({ trigger: 'session_ended', text: 'no' }), msg({ channel: 'gbm', text: 'no' })];
    expect(resolveAutomatedMessage(rows, q).source).toBe('default');
  });

  it('falls back to the built-in default in the language, else English', () => {
    expect(resolveAutomatedMessage([], q)).toMatchObject({ source: 'default', language: 'it', text: BUILT_IN_MESSAGES.it!.greeting });
    expect(resolveAutomatedMessage([], { ...q, language: 'nl-BE' })).toMatchObject({ language: 'nl' });
    expect(resolveAutomatedMessage([], { ...q, language: 'ko-KR' })).toMatchObject({ language: 'ko' });
    expect(resolveAutomatedMessage([], { ...q, language: 'fr-FR' })).toMatchObject({ language: 'en', text: BUILT_IN_MESSAGES.en!.greeting });
  });

  it('the first message found decides: a disabled one sends nothing, even with a default below', () => {
    const off = msg({ channelInstanceId: 'ci_1', enabled: false });
    expect(resolveAutomatedMessage([off, msg({ language: 'it' })], q)).toMatchObject({ source: 'instance', enabled: false });
    expect(resolveAutomatedMessage([msg({ language: 'en', enabled: false })], q)).toMatchObject({ source: 'channel', enabled: false });
    // A more specific enabled message still wins over a disabled English one.
    expect(resolveAutomatedMessage([msg({ language: 'en', enabled: false }), msg({ language: 'it', text: 'si' })], q)).toMatchObject({ enabled: true, text: 'si' });
  });

  it('carries the template of the message found', () => {
    expect(resolveAutomatedMessage([msg({ templateId: 'tpl_1' })], q).templateId).toBe('tpl_1');
  });
});

describe('queue positions', () => {
  it('are one plus the items that waited longer; equal times share a place', () => {
    const p = queuePositions([
      { id: 'c', since: 30 },
      { id: 'a', since: 10 },
      { id: 'b', since: 20 },
      { id: 'b2', since: 20 },
    ]);
    expect(Object.fromEntries(p)).toEqual({ a: 1, b: 2, b2: 2, c: 4 });
    expect(queuePositions([]).size).toBe(0);
  });

  it('on arrival: a position message only when someone is ahead and the queue is open', () => {
    expect(onQueued(1, false)).toEqual({ kind: 'record' });
    expect(onQueued(3, false)).toEqual({ kind: 'send', trigger: 'queue_position' });
    expect(onQueued(3, true)).toEqual({ kind: 'record' });
  });

  const NOW = 1_000_000;
  const cases: Array<[string, { position: number; notifiedAt: number } | undefined, number, number, ReturnType<typeof onPositionRecomputed>]> = [
    ['first sight is recorded silently', undefined, 4, NOW, { kind: 'record' }],
    ['unchanged: nothing', { position: 3, notifiedAt: 0 }, 3, NOW, { kind: 'none' }],
    ['moved up, last told long ago: update', { position: 3, notifiedAt: NOW - 60_000 }, 2, NOW, { kind: 'send', trigger: 'queue_position' }],
    ['recorded but never told: update', { position: 3, notifiedAt: 0 }, 2, NOW, { kind: 'send', trigger: 'queue_position' }],
    ['moved up within the minute: deferred to the minute', { position: 3, notifiedAt: NOW - 10_000 }, 2, NOW, { kind: 'defer', at: NOW + 50_000 }],
    ['became first: next in line, even within the minute', { position: 2, notifiedAt: NOW - 1_000 }, 1, NOW, { kind: 'send', trigger: 'next_in_line' }],
    ['moved back: an update too', { position: 1, notifiedAt: 0 }, 2, NOW, { kind: 'send', trigger: 'queue_position' }],
  ];
  it.each(cases)('%s', (_name, told, position, now, expected) => {
    expect(onPositionRecomputed(told, position, now)).toEqual(expected);
  });
});
