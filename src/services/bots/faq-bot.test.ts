import { describe, expect, it } from 'vitest';
import type { BotAction } from './contract.js';
import { decide, FaqBot, faqBotSettingsSchema, matchesKeyword, normalize, type FaqInput, type FaqState } from './faq-bot.js';

const settings = faqBotSettingsSchema.parse({
  greeting: 'Hi! I am the Care bot.',
  entries: [
    { keywords: ['opening hours', 'open'], answer: 'We are open 9:00–18:00, Monday to Friday.' },
    { keywords: ['refund'], answer: 'Refunds take 5 days.' },
    { keywords: ['refund status', 'where is my refund'], answer: 'Your refund status is in your account.' },
    { keywords: ['café'], answer: 'The café is on the ground floor.' },
    { keywords: ['営業時間'], answer: '営業時間は9時から18時です。' },
  ],
  fallbackText: 'Sorry?',
});

const FALLBACK: BotAction = { type: 'reply', text: 'Sorry?' };
const reply = (text: string): BotAction => ({ type: 'reply', text });
const s0: FaqState = { unanswered: 0 };

describe('normalize and matchesKeyword', () => {
  it.each([
    ['What are your OPENING hours?', 'what are your opening hours'],
    ['Crème brûlée, s’il vous plaît!', 'creme brulee s il vous plait'],
    ['ＦＵＬＬ　ｗｉｄｔｈ', 'full width'],
    ['  many   spaces\n', 'many spaces'],
    ['ΚΑΦΈΣ', 'καφεσ'],
  ])('%j → %j', (input, out) => expect(normalize(input)).toBe(out));

  it.each([
    ['i want a human', 'human', true],
    ['is this personal', 'person', false],
    ['what are your opening hours', 'opening hours', true],
    ['hours opening', 'opening hours', false],
    ['my refund status please', 'refund status', true],
    ['営業時間を教えて', '営業時間', true],
    ['', 'x', false],
    ['anything', '', false],
  ])('%j contains %j: %s', (text, kw, want) => expect(matchesKeyword(text, kw)).toBe(want));
});

describe('decide', () => {
  const cases: Array<[string, FaqState, FaqInput, BotAction[], FaqState]> = [
    ['greets and answers the first message', s0, { type: 'start', text: 'what are your opening hours?' }, [reply('Hi! I am the Care bot.'), reply('We are open 9:00–18:00, Monday to Friday.')], s0],
    ['greets alone when the first message has no text', s0, { type: 'start' }, [reply('Hi! I am the Care bot.')], s0],
    ['greets, then escalates a first message asking for a person', s0, { type: 'start', text: 'Operator please' }, [reply('Hi! I am the Care bot.'), { type: 'escalate', reason: 'the customer asked for a person' }], s0],
    ['answers case- and accent-insensitively', s0, { type: 'message', text: 'Where is the CAFE?' }, [reply('The café is on the ground floor.')], s0],
    ['the most specific keyword wins', s0, { type: 'message', text: 'What is my refund status?' }, [reply('Your refund status is in your account.')], s0],
    ['a plain keyword still answers', s0, { type: 'message', text: 'I want a refund' }, [reply('Refunds take 5 days.')], s0],
    ['escalate keywords win over answers', s0, { type: 'message', text: 'refund, or a human?' }, [{ type: 'escalate', reason: 'the customer asked for a person' }], s0],
    ['whole words only: "personal" is not "person"', s0, { type: 'message', text: 'personal question' }, [FALLBACK], { unanswered: 1 }],
    ['spaceless scripts match inside the text', s0, { type: 'message', text: '営業時間を教えてください' }, [reply('営業時間は9時から18時です。')], s0],
    ['an answer resets the unanswered count', { unanswered: 1 }, { type: 'message', text: 'are you open?' }, [reply('We are open 9:00–18:00, Monday to Friday.')], s0],
    ['the first unanswered turn gets the fallback', s0, { type: 'message', text: 'blue whales' }, [FALLBACK], { unanswered: 1 }],
    ['after maxTurns unanswered turns in a row it escalates', { unanswered: 1 }, { type: 'message', text: 'blue whales?' }, [{ type: 'escalate', reason: 'the bot had no answer 2 times in a row' }], { unanswered: 2 }],
    ['a message without text is an unanswered turn', s0, { type: 'message' }, [FALLBACK], { unanswered: 1 }],
  ];
  it.each(cases)('%s', (_name, state, input, actions, next) => {
    expect(decide(settings, state, input)).toEqual({ actions, state: next });
  });

  it('fallback "escalate" hands over at the first unanswered turn; without greeting a start is a plain turn', () => {
    const s = faqBotSettingsSchema.parse({ entries: [], fallback: 'escalate' });
    expect(decide(s, s0, { type: 'start', text: 'hello' })).toEqual({ actions: [{ type: 'escalate', reason: 'the bot has no answer' }], state: { unanswered: 1 } });
  });

  it('defaults: escalate keywords, maxTurns 2, a fallback text in the configured language', () => {
    const s = faqBotSettingsSchema.parse({ entries: [], language: 'fr-FR' });
    expect(s).toMatchObject({ escalateKeywords: ['agent', 'human', 'person', 'operator'], maxTurns: 2, fallback: 'reply' });
    const r = decide(s, s0, { type: 'message', text: 'bonjour' });
    expect(r.actions).toEqual([{ type: 'reply', text: expect.stringMatching(/^Désolé/) }]);
    expect(decide(s, s0, { type: 'message', text: 'an AGENT' }).actions[0]).toMatchObject({ type: 'escalate' });
  });

  it('settings refuse keywords without letters or digits', () => {
    expect(faqBotSettingsSchema.safeParse({ entries: [{ keywords: ['?!'], answer: 'x' }] }).success).toBe(false);
    expect(faqBotSettingsSchema.safeParse({ entries: [{ keywords: [], answer: 'x' }] }).success).toBe(false);
  });
});

describe('FaqBot', () => {
  it('carries its unanswered count between turns through the memory it returns', async () => {
    const bot = new FaqBot(settings);
    const turn = (text: string) => ({
      type: 'message' as const,
      conversation: { id: 'c', channel: 'line', locale: 'en', customer: { name: null, language: null }, context: { variables: {} } },
      message: { id: 'm', kind: 'text', text },
      transcript: [],
    });
    const first = await bot.handle(turn('zebra'), {});
    expect(first).toEqual({ ok: true, actions: [FALLBACK], memory: { unanswered: 1 } });
    const second = await bot.handle(turn('zebra'), first.ok ? (first.memory ?? {}) : {});
    expect(second).toMatchObject({ ok: true, actions: [{ type: 'escalate' }] });
  });
});
