/**
 * Automated messages (pure): which text a trigger sends, how its slugs are filled in, and when a
 * waiting customer hears about their place in the queue.
 *
 * Resolution, most specific first — the first message found decides, so a disabled one sends
 * nothing (that is how an admin silences a trigger for one instance or a whole channel):
 *  1. a message for the conversation's channel instance (its language preferred);
 *  2. a channel-wide message for the channel kind in the instance's language, then the
 *     language's primary subtag ('it-IT' → 'it'), then 'en';
 *  3. the built-in default in the same order (English, Italian, Dutch, Korean).
 *
 * Slugs: {AgentName}, {QueueName}, {Position}, {HolidayName} and {$path$} for the conversation
 * context ({$customerName$}, {$variables.tier$}, {$preChat.email$}). Unknown slugs and missing
 * values render empty, and the space or punctuation gap they leave is tidied ("Hi {$customerName$},"
 * without a name is "Hi,"). The result is plain text; values are never re-expanded.
 */
import { BUILT_IN_MESSAGES } from './automated-message-defaults.js';

export const TRIGGERS = [
  'greeting',
  'agent_assigned',
  'assignment_failed',
  'agent_ended',
  'queue_position',
  'next_in_line',
  'out_of_hours',
  'holiday',
  'transfer_accepted',
  'session_ended',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const SLUGS = ['AgentName', 'QueueName', 'Position', 'HolidayName'] as const;
export type Slug = (typeof SLUGS)[number];

/** A message an admin configured (a row of automated_messages). */
export interface AutomatedMessage {
  id: string;
  trigger: string;
  /** Channel kind: line, twilio-whatsapp, gbm, webchat… */
  channel: string;
  language: string;
  /** '' for the channel-wide message. */
  channelInstanceId: string;
  text: string;
  /** A message template sent instead outside the channel's messaging window. */
  templateId: string | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ResolveQuery {
  trigger: Trigger;
  channel: string;
  channelInstanceId: string;
  language: string;
}

export type Resolution =
  | { source: 'instance' | 'channel'; message: AutomatedMessage; enabled: boolean; text: string; templateId: string | null }
  | { source: 'default'; language: string; enabled: true; text: string; templateId: null };

/** The instance's language, its primary subtag, then English — each once, in that order. */
export function languageChain(language: string): string[] {
  const tag = language.trim();
  const primary = tag.split('-')[0] ?? '';
  const out: string[] = [];
  for (const l of [tag, primary, 'en']) {
    if (l && !out.some((x) => x.toLowerCase() === l.toLowerCase())) out.push(l);
  }
  return out;
}

const sameLanguage = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function resolveAutomatedMessage(rows: ReadonlyArray<AutomatedMessage>, q: ResolveQuery): Resolution {
  const chain = languageChain(q.language);
  const mine = rows.filter((r) => r.trigger === q.trigger && r.channel === q.channel);
  const byLanguage = (candidates: AutomatedMessage[]) => {
    for (const l of chain) {
      const hit = candidates.find((r) => sameLanguage(r.language, l));
      if (hit) return hit;
    }
    return undefined;
  };
  if (q.channelInstanceId) {
    const forInstance = mine.filter((r) => r.channelInstanceId === q.channelInstanceId);
    // An instance has one language; a row left in another (the instance's language changed) still counts.
    const hit = byLanguage(forInstance) ?? [...forInstance].sort((a, b) => b.updatedAt - a.updatedAt)[0];
    if (hit) return { source: 'instance', message: hit, enabled: hit.enabled, text: hit.text, templateId: hit.templateId };
  }
  const channelWide = byLanguage(mine.filter((r) => r.channelInstanceId === ''));
  if (channelWide) return { source: 'channel', message: channelWide, enabled: channelWide.enabled, text: channelWide.text, templateId: channelWide.templateId };
  return { source: 'default', ...builtIn(q.trigger, chain), enabled: true, templateId: null };
}

function builtIn(trigger: Trigger, chain: string[]): { language: string; text: string } {
  for (const l of chain) {
    const text = BUILT_IN_MESSAGES[l.toLowerCase()]?.[trigger];
    if (text !== undefined) return { language: l.toLowerCase(), text };
  }
  return { language: 'en', text: BUILT_IN_MESSAGES.en![trigger] };
}

// ── slugs ─────────────────────────────────────────────────────────────────────────────────

const SLUG = /\{(\$[A-Za-z0-9_.-]+\$|[A-Za-z][A-Za-z0-9_]*)\}/g;
/** Marks where an empty value was, so the gap it leaves can be tidied afterwards. */
const EMPTY = '\u0000';
const MAX_VALUE_LENGTH = 500;

export interface SlugValues {
  AgentName?: string | null;
  QueueName?: string | null;
  Position?: number | null;
  HolidayName?: string | null;
  /** The conversation context, read by {$path$}. */
  context?: Record<string, unknown>;
}

export interface Rendered {
  text: string;
  /** Each slug's value in order of appearance: a template fallback's {{1}}, {{2}}… */
  values: string[];
}

/** Which slugs a text uses ('AgentName', '$customerName$'…), in order. */
export function slugsOf(text: string): string[] {
  return [...text.matchAll(SLUG)].map((m) => m[1]!);
}

export function renderSlugs(text: string, v: SlugValues): Rendered {
  const values: string[] = [];
  const filled = text.replace(SLUG, (_, name: string) => {
    const value = clean(valueOf(name, v));
    values.push(value);
    return value === '' ? EMPTY : value;
  });
  const tidy = filled
    // An empty value before a space, punctuation or the end takes the space before it along.
    .replace(new RegExp(` ?${EMPTY}(?=[ ,.!?;:)]|$)`, 'g'), '')
    .replaceAll(EMPTY, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return { text: tidy, values };
}

function valueOf(name: string, v: SlugValues): unknown {
  if (name.startsWith('$')) return readPath(v.context ?? {}, name.slice(1, -1));
  switch (name.toLowerCase()) {
    case 'agentname':
      return v.AgentName;
    case 'queuename':
      return v.QueueName;
    case 'position':
      return v.Position;
    case 'holidayname':
      return v.HolidayName;
    default:
      return undefined;
  }
}

/** A dotted path through plain objects (own properties only). */
export function readPath(root: Record<string, unknown>, path: string): unknown {
  let at: unknown = root;
  for (const key of path.split('.')) {
    if (key === '' || at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function clean(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return '';
  // Plain text on one line: control characters (a customer's pre-chat answer may hold any) become spaces.
  return String(value).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_VALUE_LENGTH);
}

/** Template variables for the fallback: the slug values in placeholder order ({{1}} = the first slug). */
export function templateVariables(values: ReadonlyArray<string>): Record<string, string> {
  return Object.fromEntries(values.map((v, i) => [String(i + 1), v]));
}

// ── queue positions ───────────────────────────────────────────────────────────────────────

/** At most one position update per customer per minute (next in line is always told). */
export const POSITION_UPDATE_INTERVAL_MS = 60_000;

/** 1-based positions: one plus the items that have waited longer (equal times share a place). */
export function queuePositions(items: ReadonlyArray<{ id: string; since: number }>): Map<string, number> {
  const sorted = items.map((i) => i.since).sort((a, b) => a - b);
  const out = new Map<string, number>();
  for (const item of items) {
    let ahead = 0;
    while (ahead < sorted.length && sorted[ahead]! < item.since) ahead++;
    out.set(item.id, ahead + 1);
  }
  return out;
}

/** What the customer was last told: their position, and when (0 = recorded, never sent). */
export interface PositionNotice {
  position: number;
  notifiedAt: number;
}

export type PositionDecision =
  | { kind: 'none' }
  /** Remember the position without a message (first sight, nothing to say yet). */
  | { kind: 'record' }
  | { kind: 'send'; trigger: 'queue_position' | 'next_in_line' }
  /** Changed, but told too recently: look again at `at`. */
  | { kind: 'defer'; at: number };

/** When the customer is first queued: a position message only when someone is ahead. */
export function onQueued(position: number, queueClosed: boolean): PositionDecision {
  if (queueClosed || position <= 1) return { kind: 'record' };
  return { kind: 'send', trigger: 'queue_position' };
}

/** After an item left the queue: tell the customer only if their position changed. */
export function onPositionRecomputed(told: PositionNotice | undefined, position: number, now: number, intervalMs = POSITION_UPDATE_INTERVAL_MS): PositionDecision {
  if (!told) return { kind: 'record' };
  if (position === told.position) return { kind: 'none' };
  if (position === 1) return { kind: 'send', trigger: 'next_in_line' };
  const due = told.notifiedAt + intervalMs;
  return now >= due ? { kind: 'send', trigger: 'queue_position' } : { kind: 'defer', at: due };
}
