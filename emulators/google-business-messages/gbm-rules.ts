/**
 * Rules Business Messages enforces that the discovery schemas cannot state: a message names its
 * representative and carries exactly one kind of content; a suggestion is exactly one kind; a rich
 * card is standalone or a carousel; media and avatar URLs are HTTPS (the emulator also accepts
 * http to this machine, so local tests can serve images); forceFallback needs a fallback; events
 * and receipts have a real type. Same field violations as the schema validator; run on the
 * normalized body (camelCase, no nulls).
 */
import type { FieldViolation } from './types.js';

type Json = Record<string, unknown>;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** proto3: an empty string or false is the same as absent. */
function present(v: unknown): boolean {
  return v !== undefined && v !== '' && v !== false;
}

/** HTTPS, or http to this machine. */
export function isFetchableUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
}

function exactlyOne(node: Json, keys: readonly string[], field: string, what: string, out: FieldViolation[]): string | undefined {
  const set = keys.filter((k) => present(node[k]));
  if (set.length === 1) return set[0];
  const names = keys.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  out.push({
    field,
    description:
      set.length === 0
        ? `${field} must contain ${what}: one of ${names.join(', ')}.`
        : `${field} must contain only one of ${names.join(', ')}; got ${set.length}.`,
  });
  return undefined;
}

function checkUrl(value: unknown, field: string, out: FieldViolation[]): void {
  if (typeof value === 'string' && value !== '' && !isFetchableUrl(value)) {
    out.push({ field, description: `${field} must be a publicly reachable https URL, got ${JSON.stringify(value)}.` });
  }
}

function checkRepresentative(rep: unknown, field: string, what: string, out: FieldViolation[]): void {
  if (!isObj(rep)) {
    out.push({ field, description: `Required field ${field} is missing: every ${what} names its representative (representative_type BOT or HUMAN).` });
    return;
  }
  if (rep['representativeType'] === 'REPRESENTATIVE_TYPE_UNSPECIFIED') {
    out.push({ field: `${field}.representative_type`, description: `${field}.representative_type must be BOT or HUMAN.` });
  }
  checkUrl(rep['avatarImage'], `${field}.avatar_image`, out);
}

function checkContentInfo(ci: unknown, field: string, out: FieldViolation[]): void {
  if (!isObj(ci)) {
    out.push({ field, description: `Required field ${field} is missing.` });
    return;
  }
  if (!present(ci['fileUrl'])) out.push({ field: `${field}.file_url`, description: `Required field ${field}.file_url is missing.` });
  checkUrl(ci['fileUrl'], `${field}.file_url`, out);
  checkUrl(ci['thumbnailUrl'], `${field}.thumbnail_url`, out);
}

function checkSuggestions(list: unknown, field: string, out: FieldViolation[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((s, i) => {
    const f = `${field}[${i}]`;
    if (!isObj(s)) return;
    const kind = exactlyOne(s, ['reply', 'action', 'liveAgentRequest', 'authenticationRequest'], f, 'a suggestion', out);
    const body = kind === undefined ? undefined : s[kind];
    if ((kind === 'reply' || kind === 'action') && isObj(body)) {
      const sub = kind === 'reply' ? 'reply' : 'action';
      if (!present(body['text'])) out.push({ field: `${f}.${sub}.text`, description: `Required field ${f}.${sub}.text is missing.` });
      if (!present(body['postbackData'])) out.push({ field: `${f}.${sub}.postback_data`, description: `Required field ${f}.${sub}.postback_data is missing.` });
      if (kind === 'action') {
        const action = exactlyOne(body, ['openUrlAction', 'dialAction'], `${f}.action`, 'an action', out);
        const open = body['openUrlAction'];
        if (action === 'openUrlAction' && isObj(open) && (typeof open['url'] !== 'string' || !/^https?:\/\//.test(open['url']))) {
          out.push({ field: `${f}.action.open_url_action.url`, description: `${f}.action.open_url_action.url must be an http(s) URL.` });
        }
      }
    }
  });
}

function checkCardContent(card: unknown, field: string, out: FieldViolation[], tallAllowed: boolean): void {
  if (!isObj(card)) {
    out.push({ field, description: `Required field ${field} is missing.` });
    return;
  }
  if (!present(card['title']) && !present(card['description']) && !isObj(card['media'])) {
    out.push({ field, description: `${field} must have a title, a description or media.` });
  }
  const media = card['media'];
  if (isObj(media)) {
    checkContentInfo(media['contentInfo'], `${field}.media.content_info`, out);
    if (media['height'] === 'TALL' && !tallAllowed) {
      out.push({ field: `${field}.media.height`, description: `${field}.media.height TALL is not available in a carousel of SMALL cards.` });
    }
  }
  checkSuggestions(card['suggestions'], `${field}.suggestions`, out);
}

function checkRichCard(rc: Json, field: string, out: FieldViolation[]): void {
  const kind = exactlyOne(rc, ['standaloneCard', 'carouselCard'], field, 'a card', out);
  const standalone = rc['standaloneCard'];
  if (kind === 'standaloneCard' && isObj(standalone)) checkCardContent(standalone['cardContent'], `${field}.standalone_card.card_content`, out, true);
  const carousel = rc['carouselCard'];
  if (kind === 'carouselCard' && isObj(carousel)) {
    const contents = carousel['cardContents'];
    if (!Array.isArray(contents)) out.push({ field: `${field}.carousel_card.card_contents`, description: `Required field ${field}.carousel_card.card_contents is missing.` });
    else contents.forEach((c, i) => checkCardContent(c, `${field}.carousel_card.card_contents[${i}]`, out, carousel['cardWidth'] !== 'SMALL'));
  }
}

/** conversations.messages.create: the body as normalized by the validator. */
export function checkMessageRules(body: unknown, opts: { forceFallback: boolean }): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (!isObj(body)) return out;
  if (typeof body['messageId'] === 'string' && body['messageId'].trim() === '') {
    out.push({ field: 'message.message_id', description: 'Required field message.message_id is missing.' });
  }
  checkRepresentative(body['representative'], 'message.representative', 'message', out);
  const kind = exactlyOne(body, ['text', 'image', 'richCard'], 'message', 'content', out);
  const image = body['image'];
  if (kind === 'image' && isObj(image)) checkContentInfo(image['contentInfo'], 'message.image.content_info', out);
  const richCard = body['richCard'];
  if (kind === 'richCard' && isObj(richCard)) checkRichCard(richCard, 'message.rich_card', out);
  checkSuggestions(body['suggestions'], 'message.suggestions', out);
  if (opts.forceFallback && !present(body['fallback'])) {
    out.push({ field: 'message.fallback', description: 'message.fallback is required when force_fallback is true.' });
  }
  return out;
}

/** conversations.events.create. */
export function checkEventRules(body: unknown): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (!isObj(body)) return out;
  if (!present(body['eventType']) || body['eventType'] === 'EVENT_TYPE_UNSPECIFIED') {
    out.push({ field: 'event.event_type', description: 'event.event_type must be TYPING_STARTED, TYPING_STOPPED, REPRESENTATIVE_JOINED or REPRESENTATIVE_LEFT.' });
  }
  checkRepresentative(body['representative'], 'event.representative', 'event', out);
  return out;
}

/** conversations.messages.updateReceipt. */
export function checkReceiptRules(body: unknown): FieldViolation[] {
  if (isObj(body) && body['receiptType'] === 'READ') return [];
  return [{ field: 'receipt.receipt_type', description: 'receipt.receipt_type must be READ.' }];
}
