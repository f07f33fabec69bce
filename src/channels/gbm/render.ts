/** OutboundMessage → Business Messages message bodies. Pure: no I/O, table-tested in render.test.ts. */
import { createHash } from 'node:crypto';
import type { ConversationSignal, OutboundMessage, Representative } from '../adapter.js';
import {
  GBM_MAX_POSTBACK_DATA,
  GBM_MAX_SUGGESTION_TEXT,
  GBM_MAX_SUGGESTIONS,
  GBM_MAX_TEXT_LENGTH,
} from './config.js';

export interface GbmRepresentative {
  representativeType: 'HUMAN' | 'BOT';
  displayName?: string;
  avatarImage?: string;
}

export interface GbmSuggestion {
  reply: { text: string; postbackData: string };
}

interface GbmMessageBase {
  /** Ours: the idempotency key, so receipts and a retried POST (409 ALREADY_EXISTS) match it. */
  messageId: string;
  representative: GbmRepresentative;
  fallback?: string;
  suggestions?: GbmSuggestion[];
}
export type GbmTextMessage = GbmMessageBase & { text: string };
export type GbmImageMessage = GbmMessageBase & {
  image: { contentInfo: { fileUrl: string; forceRefresh: false; altText?: string } };
  fallback: string;
};
export type GbmMessage = GbmTextMessage | GbmImageMessage;

export type GbmEventType = 'TYPING_STARTED' | 'TYPING_STOPPED' | 'REPRESENTATIVE_JOINED' | 'REPRESENTATIVE_LEFT';
export interface GbmEvent {
  eventType: GbmEventType;
  representative: GbmRepresentative;
}

export type GbmRenderErrorReason = 'unsupported' | 'too_long' | 'empty' | 'missing_media' | 'invalid_suggestion';

/** The message cannot be sent on Business Messages; send.ts maps it to `invalid_request`. */
export class GbmRenderError extends Error {
  override readonly name = 'GbmRenderError';
  constructor(
    readonly reason: GbmRenderErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** What the customer sees when a device cannot show an image and the agent wrote no caption. */
export const IMAGE_FALLBACK = 'Image';

type Renderable = Pick<OutboundMessage, 'idempotencyKey' | 'content' | 'mediaUrl' | 'representative' | 'suggestions'>;

/** The one message body for `message`: its content, speaker and suggested replies. */
export function renderGbmMessage(message: Renderable): GbmMessage {
  const base = { messageId: message.idempotencyKey, representative: renderRepresentative(message.representative) };
  const suggestions = renderSuggestions(message.suggestions);
  const content = message.content;
  switch (content.kind) {
    case 'text': {
      const text = checkedText(content.text, 'text');
      const fallback = suggestions ? fallbackWithChoices(text, suggestions) : undefined;
      return { ...base, text, ...(fallback ? { fallback } : {}), ...(suggestions ? { suggestions } : {}) };
    }
    case 'image': {
      const blobId = content.media.blobId;
      if (!blobId) throw new GbmRenderError('missing_media', 'the image has no stored blob to send');
      if (!message.mediaUrl) throw new GbmRenderError('missing_media', 'no media URL resolver was given for the image');
      const caption = content.caption?.trim() ? checkedText(content.caption.trim(), 'caption') : undefined;
      return {
        ...base,
        image: { contentInfo: { fileUrl: message.mediaUrl(blobId), forceRefresh: false, ...(caption ? { altText: caption } : {}) } },
        fallback: caption ?? IMAGE_FALLBACK,
        ...(suggestions ? { suggestions } : {}),
      };
    }
    default:
      throw new GbmRenderError('unsupported', `Business Messages cannot send ${content.kind} messages from Switchboard`);
  }
}

/**
 * The bodies to POST, in order. An image's caption only reaches the customer as alt text or
 * fallback, so it is also sent as a text message right after the image (with a message id derived
 * from the idempotency key, so retries stay idempotent); suggested replies go on that last message,
 * because chips only show under the most recent message.
 */
export function renderGbmMessages(message: Renderable): GbmMessage[] {
  const main = renderGbmMessage(message);
  if (!('image' in main) || main.image.contentInfo.altText === undefined) return [main];
  const caption = main.image.contentInfo.altText;
  const { suggestions, ...image } = main;
  const follow: GbmTextMessage = {
    messageId: captionMessageId(message.idempotencyKey),
    representative: main.representative,
    text: caption,
    ...(suggestions ? { fallback: fallbackWithChoices(caption, suggestions), suggestions } : {}),
  };
  if (follow.fallback === undefined) delete follow.fallback;
  return [image, follow];
}

/** A stable UUID-shaped id for the caption of the image sent under `idempotencyKey`. */
export function captionMessageId(idempotencyKey: string): string {
  const h = createHash('sha256').update(`${idempotencyKey}\ncaption`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Who speaks. Without a representative the message is the business's own (a bot), never a person. */
export function renderRepresentative(representative: Representative | undefined): GbmRepresentative {
  if (!representative) return { representativeType: 'BOT' };
  const displayName = representative.displayName?.trim();
  const avatarImage = representative.avatarUrl?.trim();
  return {
    representativeType: representative.type === 'human' ? 'HUMAN' : 'BOT',
    ...(displayName ? { displayName } : {}),
    ...(avatarImage ? { avatarImage } : {}),
  };
}

const EVENT_TYPES: Readonly<Record<ConversationSignal['type'], GbmEventType>> = Object.freeze({
  typing_started: 'TYPING_STARTED',
  typing_stopped: 'TYPING_STOPPED',
  representative_joined: 'REPRESENTATIVE_JOINED',
  representative_left: 'REPRESENTATIVE_LEFT',
});

export function renderGbmEvent(signal: ConversationSignal): GbmEvent {
  const eventType = EVENT_TYPES[signal.type];
  if (!eventType) throw new GbmRenderError('unsupported', `Business Messages has no "${String(signal.type)}" event`);
  return { eventType, representative: renderRepresentative(signal.representative) };
}

function renderSuggestions(suggestions: OutboundMessage['suggestions']): GbmSuggestion[] | undefined {
  if (!suggestions || suggestions.length === 0) return undefined;
  if (suggestions.length > GBM_MAX_SUGGESTIONS) {
    throw new GbmRenderError('invalid_suggestion', `${suggestions.length} suggested replies; Business Messages shows at most ${GBM_MAX_SUGGESTIONS}`);
  }
  return suggestions.map(({ text, postbackData }, i) => {
    const label = text.trim();
    if (label.length === 0) throw new GbmRenderError('invalid_suggestion', `suggested reply ${i + 1} has no text`);
    if ([...label].length > GBM_MAX_SUGGESTION_TEXT) {
      throw new GbmRenderError(
        'invalid_suggestion',
        `suggested reply ${i + 1} is ${[...label].length} characters; Business Messages allows at most ${GBM_MAX_SUGGESTION_TEXT}`,
      );
    }
    if (postbackData.length === 0 || postbackData.length > GBM_MAX_POSTBACK_DATA) {
      throw new GbmRenderError(
        'invalid_suggestion',
        `suggested reply ${i + 1} needs postback data of 1 to ${GBM_MAX_POSTBACK_DATA} characters`,
      );
    }
    return { reply: { text: label, postbackData } };
  });
}

/** For devices without chips: the text, then the choices, when that still fits. */
function fallbackWithChoices(text: string, suggestions: GbmSuggestion[]): string | undefined {
  const fallback = `${text}\n\n${suggestions.map((s) => `• ${s.reply.text}`).join('\n')}`;
  return fallback.length <= GBM_MAX_TEXT_LENGTH ? fallback : undefined;
}

function checkedText(text: string, what: 'text' | 'caption'): string {
  if (text.trim().length === 0) throw new GbmRenderError('empty', `Business Messages cannot send an empty ${what}`);
  if (text.length > GBM_MAX_TEXT_LENGTH) {
    throw new GbmRenderError('too_long', `${what} is ${text.length} characters; Business Messages allows at most ${GBM_MAX_TEXT_LENGTH}`);
  }
  return text;
}
