/**
 * Post-conversation surveys (pure): the channel instance's survey settings, survey tokens, the
 * inline answer rule, the texts in the seed languages, and the report arithmetic.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * `settings.survey` of a channel instance:
 * - enabled: send a survey when a conversation closes (default false)
 * - mode: 'link' (a link to the hub's survey page, 1–5 and a comment) or 'inline' (the customer
 *   answers in the chat with a number from 1 to 5) — default 'link'
 * - anonymous: keep no agent or contact with the answer (default false)
 * - question: replaces the built-in question (plain text, up to 500 characters)
 */
export const surveySettingsSchema = z.object({
  enabled: z.boolean().default(false),
  mode: z.enum(['link', 'inline']).default('link'),
  anonymous: z.boolean().default(false),
  question: z.string().trim().min(1).max(500).optional(),
});
export type SurveySettings = z.infer<typeof surveySettingsSchema>;

/** Reads `settings.survey`; absent → disabled; malformed → disabled, with the reason. */
export function readSurveySettings(instanceSettings: Record<string, unknown> | undefined): { settings: SurveySettings; error?: string } {
  const raw = instanceSettings?.survey;
  if (raw === undefined || raw === null) return { settings: { enabled: false, mode: 'link', anonymous: false } };
  const r = surveySettingsSchema.safeParse(raw);
  if (r.success) return { settings: r.data };
  const error = r.error.issues.map((i) => `survey.${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  return { settings: { enabled: false, mode: 'link', anonymous: false }, error };
}

/** A survey link stays usable this long. */
export const LINK_VALID_MS = 7 * 86_400_000;
/** An inline survey accepts the customer's number this long after it was sent. */
export const INLINE_ANSWER_MS = 86_400_000;
export const MAX_COMMENT_LENGTH = 2000;

/** 32 random bytes, URL-safe; only the sha256 of it is stored. */
export function newSurveyToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSurveyToken(token) };
}

export function hashSurveyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What newSurveyToken makes: 43 base64url characters. Anything else is not looked up. */
export function isSurveyTokenShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** A chat message that is just a number from 1 to 5 ("4", " 4 ", full-width "４"), else undefined. */
export function parseInlineRating(text: string): number | undefined {
  const t = text.normalize('NFKC').trim();
  return /^[1-5]$/.test(t) ? Number(t) : undefined;
}

/** A 1–5 rating from a form field, else undefined. */
export function parseFormRating(value: unknown): number | undefined {
  return typeof value === 'string' && /^[1-5]$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

// ── texts ─────────────────────────────────────────────────────────────────────────────────

export interface SurveyTexts {
  /** Inline mode: the question and how to answer. */
  inline: string;
  /** Link mode: the text before the link. */
  linkIntro: string;
  /** After an inline answer. */
  thanks: string;
  /** The survey page. */
  pageTitle: string;
  question: string;
  ratingLegend: string;
  ratingLabels: readonly [string, string, string, string, string];
  commentLabel: string;
  submit: string;
  pageThanks: string;
  alreadyAnswered: string;
  expired: string;
  notFound: string;
  chooseRating: string;
}

export const SURVEY_TEXTS: Readonly<Record<string, SurveyTexts>> = {
  en: {
    inline: 'How did we do? Reply with a number from 1 to 5.',
    linkIntro: 'How did we do? Tell us here:',
    thanks: 'Thank you for your feedback!',
    pageTitle: 'Your feedback',
    question: 'How did we do?',
    ratingLegend: 'Your rating (1 = poor, 5 = excellent)',
    ratingLabels: ['1 – poor', '2', '3', '4', '5 – excellent'],
    commentLabel: 'Anything you would like to add? (optional)',
    submit: 'Send',
    pageThanks: 'Thank you for your feedback!',
    alreadyAnswered: 'This survey has already been answered. Thank you!',
    expired: 'This survey link has expired.',
    notFound: 'This survey link is not valid.',
    chooseRating: 'Please choose a rating from 1 to 5.',
  },
  it: {
    inline: 'Come ci siamo comportati? Rispondi con un numero da 1 a 5.',
    linkIntro: 'Come ci siamo comportati? Diccelo qui:',
    thanks: 'Grazie per il tuo feedback!',
    pageTitle: 'Il tuo parere',
    question: 'Come ci siamo comportati?',
    ratingLegend: 'Il tuo voto (1 = scarso, 5 = eccellente)',
    ratingLabels: ['1 – scarso', '2', '3', '4', '5 – eccellente'],
    commentLabel: 'Vuoi aggiungere qualcosa? (facoltativo)',
    submit: 'Invia',
    pageThanks: 'Grazie per il tuo feedback!',
    alreadyAnswered: 'Hai già risposto a questo sondaggio. Grazie!',
    expired: 'Questo link al sondaggio è scaduto.',
    notFound: 'Questo link al sondaggio non è valido.',
    chooseRating: 'Scegli un voto da 1 a 5.',
  },
  nl: {
    inline: 'Hoe hebben we het gedaan? Antwoord met een cijfer van 1 tot 5.',
    linkIntro: 'Hoe hebben we het gedaan? Laat het ons hier weten:',
    thanks: 'Bedankt voor je feedback!',
    pageTitle: 'Jouw feedback',
    question: 'Hoe hebben we het gedaan?',
    ratingLegend: 'Jouw beoordeling (1 = slecht, 5 = uitstekend)',
    ratingLabels: ['1 – slecht', '2', '3', '4', '5 – uitstekend'],
    commentLabel: 'Wil je nog iets toevoegen? (optioneel)',
    submit: 'Versturen',
    pageThanks: 'Bedankt voor je feedback!',
    alreadyAnswered: 'Deze enquête is al ingevuld. Bedankt!',
    expired: 'Deze enquêtelink is verlopen.',
    notFound: 'Deze enquêtelink is niet geldig.',
    chooseRating: 'Kies een beoordeling van 1 tot 5.',
  },
  ko: {
    inline: '상담은 어떠셨나요? 1부터 5까지 숫자로 답해 주세요.',
    linkIntro: '상담은 어떠셨나요? 여기에서 알려 주세요:',
    thanks: '소중한 의견 감사합니다!',
    pageTitle: '고객 의견',
    question: '상담은 어떠셨나요?',
    ratingLegend: '평점 (1 = 매우 불만족, 5 = 매우 만족)',
    ratingLabels: ['1 – 매우 불만족', '2', '3', '4', '5 – 매우 만족'],
    commentLabel: '더 하고 싶은 말씀이 있으신가요? (선택)',
    submit: '보내기',
    pageThanks: '소중한 의견 감사합니다!',
    alreadyAnswered: '이미 응답하신 설문입니다. 감사합니다!',
    expired: '설문 링크가 만료되었습니다.',
    notFound: '유효하지 않은 설문 링크입니다.',
    chooseRating: '1부터 5까지 평점을 선택해 주세요.',
  },
};

/** Texts for a BCP-47 language: its primary subtag, else English. */
export function surveyTexts(language: string): { language: string; texts: SurveyTexts } {
  const primary = (language.split('-')[0] ?? '').toLowerCase();
  const texts = SURVEY_TEXTS[primary];
  return texts ? { language: primary, texts } : { language: 'en', texts: SURVEY_TEXTS.en! };
}

// ── report ────────────────────────────────────────────────────────────────────────────────

/** One group of responses: per agent (null: anonymous or none), state and rating. */
export interface ResponseCount {
  agentId: string | null;
  state: 'sent' | 'answered' | 'skipped';
  rating: number | null;
  n: number;
}

export interface SurveyFigures {
  /** Surveys that went out (answered or not); skipped ones (messaging window closed) are apart. */
  sent: number;
  answered: number;
  skipped: number;
  /** answered / sent, 0 when none went out. */
  responseRate: number;
  /** Mean rating of the answered ones, null when none. */
  average: number | null;
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export interface SurveyReport extends SurveyFigures {
  /** Named agents only: anonymous responses count in the totals and nowhere else. */
  byAgent: Array<SurveyFigures & { agentId: string }>;
}

function figures(rows: ReadonlyArray<ResponseCount>): SurveyFigures {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let sent = 0;
  let answered = 0;
  let skipped = 0;
  let sum = 0;
  for (const r of rows) {
    if (r.state === 'skipped') {
      skipped += r.n;
      continue;
    }
    sent += r.n;
    if (r.state !== 'answered' || r.rating === null) continue;
    answered += r.n;
    sum += r.rating * r.n;
    const key = String(r.rating) as keyof typeof distribution;
    if (key in distribution) distribution[key] += r.n;
  }
  return {
    sent,
    answered,
    skipped,
    responseRate: sent === 0 ? 0 : Math.round((answered / sent) * 10_000) / 10_000,
    average: answered === 0 ? null : Math.round((sum / answered) * 100) / 100,
    distribution,
  };
}

export function surveyReport(rows: ReadonlyArray<ResponseCount>): SurveyReport {
  const byAgent = new Map<string, ResponseCount[]>();
  for (const r of rows) if (r.agentId !== null) (byAgent.get(r.agentId) ?? byAgent.set(r.agentId, []).get(r.agentId)!).push(r);
  return {
    ...figures(rows),
    byAgent: [...byAgent.entries()].map(([agentId, list]) => ({ agentId, ...figures(list) })).sort((a, b) => b.answered - a.answered || a.agentId.localeCompare(b.agentId)),
  };
}
