/**
 * Twilio webhook (form-encoded) → normalized InboundEvents: incoming WhatsApp messages and
 * message status callbacks. Every parameter, known or not, is kept in `raw`; only a body that is
 * not a Twilio message webhook at all throws WebhookParseError.
 */
import { WebhookParseError, type DeliveryStatus, type InboundEvent, type ProviderUser, type RawWebhook } from '../adapter.js';
import type { MediaKind, MessageContent } from '../../domain/message.js';
import { TWILIO_STATUS_CALLBACK_PATH } from './config.js';
import { STATUS_ERROR_MESSAGES } from './errors.js';

export const IDEMPOTENCY_TOKEN_HEADER = 'i-twilio-idempotency-token';

/** All params (a repeated name becomes an array), plus the idempotency token header when Twilio sent one. */
export type TwilioRaw = Record<string, string | string[]>;

const STATUS_MAP: Readonly<Record<string, DeliveryStatus>> = Object.freeze({
  queued: 'queued',
  accepted: 'queued',
  scheduled: 'queued',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'failed',
  canceled: 'failed',
});

/** Twilio's MessageStatus → ours; undefined for statuses we do not track (receiving, received, partially_delivered…). */
export function mapTwilioStatus(status: string): DeliveryStatus | undefined {
  return Object.hasOwn(STATUS_MAP, status) ? STATUS_MAP[status] : undefined;
}

/** `whatsapp:+14155238886` → `+14155238886`. */
export function stripChannel(address: string): string {
  return address.replace(/^whatsapp:/i, '');
}

export function parseTwilioWebhook(webhook: RawWebhook, now: number = Date.now()): InboundEvent[] {
  const contentType = webhook.headers['content-type'];
  if (contentType !== undefined && !/^application\/x-www-form-urlencoded\b/i.test(contentType.trim())) {
    throw new WebhookParseError(`Twilio webhook is not form-encoded (Content-Type: ${contentType})`);
  }
  const text = webhook.body.toString('utf8');
  if (/^\s*[[{]/.test(text)) throw new WebhookParseError('Twilio webhook body is JSON, expected form-encoded parameters');

  const params = new URLSearchParams(text);
  const raw: TwilioRaw = {};
  for (const [name, value] of params) {
    const seen = raw[name];
    raw[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  const token = webhook.headers[IDEMPOTENCY_TOKEN_HEADER];
  if (token) raw[IDEMPOTENCY_TOKEN_HEADER] = token;

  const get = (name: string): string | undefined => {
    const v = params.get(name);
    return v === null ? undefined : v;
  };
  const sid = get('MessageSid') ?? get('SmsMessageSid');
  if (!sid) throw new WebhookParseError('Twilio webhook has no MessageSid (is this a Twilio messaging webhook?)');
  if (!get('AccountSid')) throw new WebhookParseError('Twilio webhook has no AccountSid');

  const at = new Date(now);
  if (isStatusCallback(webhook.url, get)) return [statusEvent(sid, get, raw, webhook.url, at)];
  return messageEvents(sid, get, raw, at);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** The status-callback URL decides; without it, a MessageStatus with no message content is a status callback. */
function isStatusCallback(url: string, get: (n: string) => string | undefined): boolean {
  if (pathOf(url).replace(/\/+$/, '').endsWith(TWILIO_STATUS_CALLBACK_PATH)) return true;
  const status = get('MessageStatus');
  if (status === undefined || status === 'received' || status === 'receiving') return false;
  return get('Body') === undefined && get('NumMedia') === undefined;
}

function statusEvent(sid: string, get: (n: string) => string | undefined, raw: TwilioRaw, url: string, at: Date): InboundEvent {
  const twilioStatus = get('MessageStatus') ?? get('SmsStatus') ?? '';
  const common = { eventId: `${sid}:${twilioStatus}`, at, raw, ...addressOf(get('From')) };
  const status = mapTwilioStatus(twilioStatus);
  if (!status) return { ...common, type: 'unknown', eventType: `status.${twilioStatus || '(missing)'}` };
  const errorCode = get('ErrorCode');
  const errorMessage = get('ErrorMessage') ?? (errorCode ? (STATUS_ERROR_MESSAGES[errorCode] ?? `Twilio error ${errorCode}`) : undefined);
  const messageRef = messageRefOf(url);
  return {
    ...common,
    type: 'status',
    providerMessageId: sid,
    status,
    ...(errorCode ? { errorCode } : {}),
    ...(errorMessage ? { errorMessage } : {}),
    ...(messageRef ? { messageRef } : {}),
  };
}

/** Our message id, echoed back in the status-callback URL as `?m=`. */
function messageRefOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('m') || undefined;
  } catch {
    return undefined;
  }
}

function addressOf(value: string | undefined): { address?: string } {
  return value ? { address: stripChannel(value) } : {};
}

function messageEvents(sid: string, get: (n: string) => string | undefined, raw: TwilioRaw, at: Date): InboundEvent[] {
  const from = get('From');
  const common = { at, raw, ...addressOf(get('To')) };
  if (!from) return [{ ...common, eventId: sid, type: 'unknown', eventType: 'message.no_sender' }];
  const profileName = get('ProfileName');
  const user: ProviderUser = { id: stripChannel(from), ...(profileName ? { displayName: profileName } : {}) };
  const repliedTo = get('OriginalRepliedMessageSid');
  const reply = repliedTo ? { replyToProviderMessageId: repliedTo } : {};
  const body = get('Body') ?? '';

  // Quick-reply buttons of a template, and list picks: the customer chose something.
  const buttonPayload = get('ButtonPayload');
  const buttonText = get('ButtonText');
  if (buttonPayload !== undefined || buttonText !== undefined) {
    const data = buttonPayload || buttonText || '';
    return [{ ...common, eventId: sid, type: 'postback', user, data, ...(buttonText ? { label: buttonText } : {}) }];
  }
  const listId = get('ListId');
  if (listId !== undefined) {
    const label = get('ListTitle');
    return [{ ...common, eventId: sid, type: 'postback', user, data: listId, ...(label ? { label } : {}) }];
  }

  const media = mediaItems(get);
  if (media.length > 0) {
    return media.map((m, i): InboundEvent => {
      const id = i === 0 ? sid : `${sid}#${i}`;
      const content: MessageContent = {
        kind: m.kind,
        media: { providerRef: m.url, ...(m.contentType ? { contentType: m.contentType } : {}) },
        ...(i === 0 && body ? { caption: body } : {}),
      };
      return { ...common, eventId: id, type: 'message', user, providerMessageId: id, content, ...reply };
    });
  }

  const latitude = numberOf(get('Latitude'));
  const longitude = numberOf(get('Longitude'));
  if (latitude !== undefined && longitude !== undefined) {
    const address = get('Address');
    const title = get('Label');
    const content: MessageContent = {
      kind: 'location',
      latitude,
      longitude,
      ...(address ? { address } : {}),
      ...(title ? { title } : {}),
    };
    return [{ ...common, eventId: sid, type: 'message', user, providerMessageId: sid, content, ...reply }];
  }

  if (body !== '') {
    return [{ ...common, eventId: sid, type: 'message', user, providerMessageId: sid, content: { kind: 'text', text: body }, ...reply }];
  }
  // Reactions, unsupported WhatsApp types, empty bodies: kept verbatim for whoever looks.
  return [{ ...common, eventId: sid, type: 'unknown', eventType: `message.${get('MessageType') || 'unknown'}`, user }];
}

interface MediaItem {
  kind: MediaKind;
  url: string;
  contentType?: string;
}

function mediaItems(get: (n: string) => string | undefined): MediaItem[] {
  const count = Number(get('NumMedia') ?? '0');
  if (!Number.isInteger(count) || count <= 0) return [];
  const items: MediaItem[] = [];
  // Twilio allows at most 10 media per message; never trust a larger count.
  for (let i = 0; i < Math.min(count, 10); i++) {
    const url = get(`MediaUrl${i}`);
    if (!url) continue;
    const contentType = get(`MediaContentType${i}`)?.trim();
    items.push({ kind: mediaKindOf(contentType), url, ...(contentType ? { contentType } : {}) });
  }
  return items;
}

export function mediaKindOf(contentType: string | undefined): MediaKind {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'file';
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
