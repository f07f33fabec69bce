/**
 * LINE webhook body → normalized InboundEvents. The body is untrusted JSON: it is parsed with zod,
 * event by event, so one odd event becomes `unknown` (kept verbatim in `raw`) instead of failing
 * the batch that LINE would then redeliver forever.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WebhookParseError, type InboundEvent, type ProviderUser, type RawWebhook } from '../adapter.js';
import type { MediaKind, MediaRef, MessageContent } from '../../domain/message.js';

const envelopeSchema = z.object({ destination: z.string().optional(), events: z.array(z.unknown()) });

const sourceSchema = z.object({
  type: z.string().optional(),
  userId: z.string().min(1).optional(),
  groupId: z.string().min(1).optional(),
  roomId: z.string().min(1).optional(),
});

const eventBaseSchema = z.object({
  type: z.string().optional(),
  timestamp: z.number().finite().optional(),
  webhookEventId: z.string().min(1).optional(),
  source: sourceSchema.optional(),
  replyToken: z.string().min(1).optional(),
});

const messageBaseSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  quotedMessageId: z.string().min(1).optional(),
});

// Built once: building a zod schema costs far more than using it (this ran per event).
const messageEventSchema = z.object({ message: messageBaseSchema });

const textSchema = z.object({ text: z.string() });
const mediaSchema = z.object({
  contentProvider: z
    .object({ type: z.string().optional(), originalContentUrl: z.string().optional() })
    .optional(),
  fileName: z.string().optional(),
  fileSize: z.number().nonnegative().optional(),
  duration: z.number().nonnegative().optional(),
});
const locationSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  title: z.string().optional(),
  address: z.string().optional(),
});
const stickerSchema = z.object({
  packageId: z.string(),
  stickerId: z.string(),
  keywords: z.array(z.string()).optional(),
});

const postbackSchema = z.object({ postback: z.object({ data: z.string() }) });
const unsendSchema = z.object({ unsend: z.object({ messageId: z.string().min(1) }) });

type Common = { eventId: string; at: Date; raw: unknown };

/** Parses a LINE webhook body. Throws WebhookParseError only when the body itself is not LINE's format. */
export function parseLineWebhook(webhook: RawWebhook): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(webhook.body.toString('utf8'));
  } catch (err) {
    throw new WebhookParseError(`LINE webhook body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new WebhookParseError('LINE webhook body has no "events" array (expected {"destination": ..., "events": [...]})');
  }
  return envelope.data.events.map(toInboundEvent);
}

export function toInboundEvent(event: unknown): InboundEvent {
  const base = eventBaseSchema.safeParse(event);
  const common: Common = {
    eventId: (base.success ? base.data.webhookEventId : undefined) ?? syntheticEventId(event),
    // LINE always sends a timestamp; an event without one is dated when we read it.
    at: new Date(base.success && base.data.timestamp !== undefined ? base.data.timestamp : Date.now()),
    raw: event,
  };
  if (!base.success) return { ...common, type: 'unknown', eventType: typeNameOf(event) };

  const eventType = base.data.type ?? '(missing)';
  const user = userOf(base.data.source);
  if (!user) return { ...common, type: 'unknown', eventType };
  const replyToken = base.data.replyToken;
  const withToken = replyToken === undefined ? {} : { replyToken };

  switch (eventType) {
    case 'message':
      return messageEvent(event, common, user, withToken);
    case 'follow':
    case 'unfollow':
      return { ...common, type: eventType, user, ...withToken };
    case 'postback': {
      const p = postbackSchema.safeParse(event);
      if (!p.success) return { ...common, type: 'unknown', eventType, user };
      // postback.params (date/time pickers, rich-menu switches) stay in `raw`.
      return { ...common, type: 'postback', user, data: p.data.postback.data, ...withToken };
    }
    case 'unsend': {
      const u = unsendSchema.safeParse(event);
      if (!u.success) return { ...common, type: 'unknown', eventType, user };
      return { ...common, type: 'unsend', user, providerMessageId: u.data.unsend.messageId };
    }
    default:
      // join, leave, memberJoined/Left, beacon, accountLink, videoPlayComplete, messageEdited, things, ...
      return { ...common, type: 'unknown', eventType, user };
  }
}

function messageEvent(event: unknown, common: Common, user: ProviderUser, withToken: { replyToken?: string }): InboundEvent {
  const wrapped = messageEventSchema.safeParse(event);
  if (!wrapped.success) return { ...common, type: 'unknown', eventType: 'message', user };
  const message = wrapped.data.message;
  const content = contentOf(message.type, message.id, message);
  if (!content) return { ...common, type: 'unknown', eventType: `message.${message.type}`, user };
  return {
    ...common,
    type: 'message',
    user,
    providerMessageId: message.id,
    content,
    ...withToken,
    ...(message.quotedMessageId === undefined ? {} : { replyToProviderMessageId: message.quotedMessageId }),
  };
}

/** The normalized content of one LINE message object, or undefined for a type we do not know. */
export function contentOf(type: string, id: string, message: unknown): MessageContent | undefined {
  switch (type) {
    case 'text': {
      const m = textSchema.safeParse(message);
      return m.success ? { kind: 'text', text: m.data.text } : undefined;
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'file': {
      const m = mediaSchema.safeParse(message);
      if (!m.success) return undefined;
      return { kind: type satisfies MediaKind, media: mediaRefOf(id, m.data) };
    }
    case 'location': {
      const m = locationSchema.safeParse(message);
      if (!m.success) return undefined;
      const { latitude, longitude, title, address } = m.data;
      return {
        kind: 'location',
        latitude,
        longitude,
        ...(title === undefined ? {} : { title }),
        ...(address === undefined ? {} : { address }),
      };
    }
    case 'sticker': {
      const m = stickerSchema.safeParse(message);
      if (!m.success) return undefined;
      const { packageId, stickerId, keywords } = m.data;
      return { kind: 'sticker', packageId, stickerId, ...(keywords === undefined ? {} : { keywords }) };
    }
    default:
      return undefined;
  }
}

function mediaRefOf(id: string, m: z.infer<typeof mediaSchema>): MediaRef {
  const external = m.contentProvider?.type === 'external' ? m.contentProvider.originalContentUrl : undefined;
  const ref: MediaRef = { providerRef: external && /^https?:\/\//i.test(external) ? external : id };
  if (m.fileName !== undefined) ref.fileName = m.fileName;
  if (m.fileSize !== undefined) ref.size = m.fileSize;
  if (m.duration !== undefined) ref.durationMs = m.duration;
  return ref;
}

/**
 * The id we answer to: the user in a 1:1 chat, the group or room otherwise (the speaking user's
 * id stays in `raw.source.userId`).
 */
function userOf(source: z.infer<typeof sourceSchema> | undefined): ProviderUser | undefined {
  const id =
    source?.type === 'user' ? source.userId : source?.type === 'group' ? source.groupId : source?.type === 'room' ? source.roomId : undefined;
  return id === undefined ? undefined : { id };
}

function syntheticEventId(event: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(event) ?? 'undefined').digest('hex')}`;
}

function typeNameOf(event: unknown): string {
  if (typeof event === 'object' && event !== null && 'type' in event && typeof event.type === 'string') return event.type;
  return '(invalid)';
}
