/**
 * The built-in keyword/FAQ bot: admins list questions' keywords and their answers, so a bot works
 * without writing code. `decide` is pure (settings, what the bot remembers, the customer's turn →
 * actions and what to remember); `FaqBot` adapts it to the bot contract.
 *
 * Matching: text and keywords are normalised the same way (Unicode compatibility forms, case,
 * accents on Latin and Greek letters, punctuation → spaces), then a keyword matches as whole words
 * or a whole phrase ("opening hours" matches "What are your opening hours?", "person" does not
 * match "personal"). Keywords in scripts written without spaces (Chinese, Japanese, Thai…) match
 * anywhere in the text. Escalation keywords win over answers; among answers the entry whose
 * matched keyword is the longest (most specific) wins, the first listed on a tie.
 */
import { z } from 'zod';
import type { Bot, BotAction, BotOutcome, BotTurn } from './contract.js';

const keyword = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((k) => normalize(k).length > 0, 'a keyword needs at least one letter or digit');

export const faqBotSettingsSchema = z.object({
  /** Sent when the bot gets the conversation. */
  greeting: z.string().trim().min(1).max(4096).optional(),
  entries: z
    .array(z.object({ keywords: z.array(keyword).min(1).max(50), answer: z.string().trim().min(1).max(4096) }))
    .max(500)
    .default([]),
  /** Words that hand the customer to a person at once. */
  escalateKeywords: z.array(keyword).max(50).default(['agent', 'human', 'person', 'operator']),
  /** When no entry matches: escalate at once, or answer `fallbackText` (until `maxTurns`). */
  fallback: z.enum(['escalate', 'reply']).default('reply'),
  fallbackText: z.string().trim().min(1).max(4096).optional(),
  /** Escalate after this many unanswered turns in a row. */
  maxTurns: z.number().int().min(1).max(20).default(2),
  /** BCP 47; picks the default fallback text. */
  language: z.string().trim().min(2).max(35).optional(),
});
export type FaqBotSettings = z.infer<typeof faqBotSettingsSchema>;

/** What the FAQ bot remembers between turns. */
export interface FaqState {
  /** Unanswered turns in a row. */
  unanswered: number;
}

/** A turn: the bot got the conversation (with the customer's first message), or a later message. Non-text messages have no text. */
export type FaqInput = { type: 'start' | 'message'; text?: string };

const DEFAULT_FALLBACK: Record<string, string> = {
  en: "Sorry, I don't know the answer to that. Could you put it another way? You can also ask for an agent.",
  fr: 'Désolé, je ne connais pas la réponse. Pouvez-vous reformuler ? Vous pouvez aussi demander un conseiller.',
  de: 'Das weiß ich leider nicht. Können Sie es anders formulieren? Sie können auch nach einem Mitarbeiter fragen.',
  es: 'Lo siento, no sé la respuesta. ¿Puede decirlo de otra manera? También puede pedir un agente.',
};

export function defaultFallbackText(language: string | undefined): string {
  const primary = (language ?? 'en').slice(0, 2).toLowerCase();
  return DEFAULT_FALLBACK[primary] ?? (DEFAULT_FALLBACK.en as string);
}

const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Case, width and Latin/Greek accents folded; anything but letters and digits becomes one space. */
export function normalize(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/ς/g, 'σ')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

/** Whether a normalised keyword occurs in normalised text as whole words (or anywhere, for spaceless scripts). */
export function matchesKeyword(text: string, kw: string): boolean {
  if (kw.length === 0) return false;
  if (SPACELESS.test(kw)) return text.includes(kw);
  return ` ${text} `.includes(` ${kw} `);
}

function longestMatch(text: string, keywords: ReadonlyArray<string>): number {
  let best = 0;
  for (const k of keywords) {
    const n = normalize(k);
    if (n.length > best && matchesKeyword(text, n)) best = n.length;
  }
  return best;
}

export function decide(settings: FaqBotSettings, state: FaqState, input: FaqInput): { actions: BotAction[]; state: FaqState } {
  const actions: BotAction[] = [];
  if (input.type === 'start' && settings.greeting) actions.push({ type: 'reply', text: settings.greeting });
  const text = input.text === undefined ? '' : normalize(input.text);
  // A first message without text (a sticker…) gets the greeting alone; text always gets an answer,
  // a fallback or an escalation.
  if (input.type === 'start' && settings.greeting && text.length === 0) return { actions, state };

  if (text.length > 0 && longestMatch(text, settings.escalateKeywords) > 0) {
    actions.push({ type: 'escalate', reason: 'the customer asked for a person' });
    return { actions, state: { unanswered: 0 } };
  }
  let best: { answer: string; score: number } | undefined;
  if (text.length > 0) {
    for (const e of settings.entries) {
      const score = longestMatch(text, e.keywords);
      if (score > (best?.score ?? 0)) best = { answer: e.answer, score };
    }
  }
  if (best) {
    actions.push({ type: 'reply', text: best.answer });
    return { actions, state: { unanswered: 0 } };
  }
  const unanswered = state.unanswered + 1;
  if (settings.fallback === 'escalate') {
    actions.push({ type: 'escalate', reason: 'the bot has no answer' });
  } else if (unanswered >= settings.maxTurns) {
    actions.push({ type: 'escalate', reason: `the bot had no answer ${unanswered} times in a row` });
  } else {
    actions.push({ type: 'reply', text: settings.fallbackText ?? defaultFallbackText(settings.language) });
  }
  return { actions, state: { unanswered } };
}

export function readFaqState(memory: Record<string, unknown>): FaqState {
  const n = memory.unanswered;
  return { unanswered: typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0 };
}

export class FaqBot implements Bot {
  constructor(private readonly settings: FaqBotSettings) {}

  async handle(turn: BotTurn, memory: Record<string, unknown>): Promise<BotOutcome> {
    const input: FaqInput = { type: turn.type === 'conversation.started' ? 'start' : 'message' };
    if (turn.message?.text !== undefined) input.text = turn.message.text;
    const { actions, state } = decide(this.settings, readFaqState(memory), input);
    return { ok: true, actions, memory: { ...state } };
  }
}
