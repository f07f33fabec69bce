/**
 * Business Messages webhook body → normalized InboundEvents. Google posts one JSON object per
 * request: a user message, a suggestion tap, a user status (typing, live agent requested), or
 * receipts for messages we sent. The body is untrusted and parsed with zod; a shape we do not know
 * becomes `unknown` (kept verbatim in `raw`) instead of an error Google would redeliver for days.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WebhookParseError, type InboundEvent, type ProviderUser, type RawWebhook } from '../adapter.js';
import type { MessageContent } from '../../domain/message.js';

const contextSchema = z.object({
  entryPoint: z.string().optional(),
  placeId: z.string().optional(),
  nearPlaceId: z.string().optional(),
  widgetId: z.string().optional(),
  resolvedLocale: z.string().optional(),
  userInfo: z.object({ displayName: z.string().optional(), userDeviceLocale: z.string().optional() }).optional(),
});

const envelopeSchema = z.object({
  conversationId: z.string().min(1).optional(),
  requestId: z.string().min(1).optional(),
  sendTime: z.string().optional(),
  context: z.unknown().optional(),
});

const messageSchema = z.object({
  messageId: z.string().min(1).optional(),
  name: z.string().optional(),
  text: z.string().optional(),
  createTime: z.string().optional(),
  image: z
    .object({
      contentInfo: z
        .object({ fileUrl: z.string().min(1), altText: z.string().optional(), thumbnailUrl: z.string().optional() })
        .optional(),
    })
    .optional(),
});

const suggestionResponseSchema = z.object({
  message: z.string().optional(),
  postbackData: z.string(),
  text: z.string().optional(),
  createTime: z.string().optional(),
  suggestionType: z.string().optional(),
});

/** Google sends JSON booleans; the test framework's templates say "BOOLEAN", which means neither. */
const flagSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const userStatusSchema = z.object({
  isTyping: flagSchema.optional().catch(undefined),
  requestedLiveAgent: flagSchema.optional().catch(undefined),
  createTime: z.string().optional(),
});

const receiptsSchema = z.object({
  receipts: z.array(z.unknown()),
  createTime: z.string().optional(),
});
const receiptSchema = z.object({ message: z.string(), receiptType: z.string() });

/** What kind of webhook this is, by the key that carries its payload. */
const PAYLOAD_KEYS = ['message', 'suggestionResponse', 'userStatus', 'receipts', 'authenticationResponse', 'surveyResponse'] as const;

type Common = { eventId: string; at: Date; raw: unknown; context?: Record<string, string> };

/** Parses one webhook body. Throws WebhookParseError only when the body is not a JSON object. */
export function parseGbmWebhook(webhook: RawWebhook): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(webhook.body.toString('utf8'));
  } catch (err) {
    throw new WebhookParseError(`Business Messages webhook body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WebhookParseError('Business Messages webhook body is not a JSON object');
  }
  return toInboundEvents(json as Record<string, unknown>);
}

export function toInboundEvents(body: Record<string, unknown>): InboundEvent[] {
  const env = envelopeSchema.safeParse(body);
  const envelope = env.success ? env.data : {};
  const context = contextOf(envelope.context);
  const user = userOf(envelope.conversationId, context);
  const kind = PAYLOAD_KEYS.find((k) => body[k] !== undefined && body[k] !== null);
  const common = (at: string | undefined, idHint?: string): Common => ({
    eventId: envelope.requestId ?? idHint ?? syntheticEventId(body),
    at: dateOf(at, envelope.sendTime),
    raw: body,
    ...(context.fields ? { context: context.fields } : {}),
  });
  const unknown = (eventType: string): InboundEvent[] => [
    { ...common(undefined), type: 'unknown', eventType, ...(user ? { user } : {}) },
  ];

  if (kind === undefined) return unknown('clientToken' in body ? 'verification' : '(unrecognized)');
  if (kind === 'receipts') return receiptEvents(body.receipts, envelope, context.fields, body);
  if (!user) return unknown(kind);

  switch (kind) {
    case 'message': {
      const m = messageSchema.safeParse(body.message);
      if (!m.success) return unknown('message');
      const providerMessageId = m.data.messageId ?? lastSegment(m.data.name);
      const content = contentOf(m.data);
      if (!providerMessageId || !content) return unknown('message');
      return [{ ...common(m.data.createTime, providerMessageId), type: 'message', user, providerMessageId, content }];
    }
    case 'suggestionResponse': {
      const s = suggestionResponseSchema.safeParse(body.suggestionResponse);
      if (!s.success) return unknown('suggestionResponse');
      const label = s.data.text;
      return [{ ...common(s.data.createTime), type: 'postback', user, data: s.data.postbackData, ...(label !== undefined ? { label } : {}) }];
    }
    case 'userStatus': {
      const s = userStatusSchema.safeParse(body.userStatus);
      if (!s.success) return unknown('userStatus');
      // A request for a live agent matters more than a typing flag sent along with it.
      if (s.data.requestedLiveAgent === true) return [{ ...common(s.data.createTime), type: 'escalate', user }];
      if (s.data.isTyping !== undefined) return [{ ...common(s.data.createTime), type: 'typing', user, isTyping: s.data.isTyping }];
      return unknown('userStatus');
    }
    default:
      // authenticationResponse (OAuth sign-in suggestion), surveyResponse: kept verbatim in raw.
      return unknown(kind);
  }
}

/**
 * A user's image arrives as a message whose text is a signed Cloud Storage URL (Google's own
 * example, image-message.json); gateways that send `message.image.contentInfo` are read too.
 */
function contentOf(m: z.infer<typeof messageSchema>): MessageContent | undefined {
  const fileUrl = m.image?.contentInfo?.fileUrl;
  if (fileUrl !== undefined) {
    return { kind: 'image', media: { providerRef: fileUrl }, ...(m.image?.contentInfo?.altText ? { caption: m.image.contentInfo.altText } : {}) };
  }
  if (m.text === undefined) return undefined;
  if (isSignedImageUrl(m.text)) return { kind: 'image', media: { providerRef: m.text.trim() } };
  return { kind: 'text', text: m.text };
}

/**
 * True for the whole text being one signed Google Cloud Storage URL: on
 * storage.googleapis.com under a `business-messages…` bucket, or carrying V4 signing parameters
 * (`X-Goog-Algorithm` + `X-Goog-Signature`, as a compatible gateway or our emulator serves them).
 */
export function isSignedImageUrl(text: string): boolean {
  const trimmed = text.trim();
  if (!/^https?:\/\/\S+$/i.test(trimmed)) return false;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return false;
  }
  if (url.protocol === 'https:' && url.hostname === 'storage.googleapis.com' && url.pathname.startsWith('/business-messages')) {
    return true;
  }
  const params = new Set([...url.searchParams.keys()].map((k) => k.toLowerCase()));
  return params.has('x-goog-algorithm') && params.has('x-goog-signature');
}

/**
 * Receipts concern messages the agent sent (`conversations/{id}/messages/{messageId}`): one
 * status event per receipt. A receipt for another conversation or of a type we do not know is
 * `unknown`, so it can never move the status of the wrong message.
 */
function receiptEvents(
  value: unknown,
  envelope: z.infer<typeof envelopeSchema>,
  context: Record<string, string> | undefined,
  raw: Record<string, unknown>,
): InboundEvent[] {
  const parsed = receiptsSchema.safeParse(value);
  const base = envelope.requestId;
  const withContext = context ? { context } : {};
  if (!parsed.success || parsed.data.receipts.length === 0) {
    return [{ eventId: base ?? syntheticEventId(raw), at: dateOf(undefined, envelope.sendTime), raw, ...withContext, type: 'unknown', eventType: 'receipts' }];
  }
  const at = dateOf(parsed.data.createTime, envelope.sendTime);
  return parsed.data.receipts.map((receipt, i): InboundEvent => {
    const r = receiptSchema.safeParse(receipt);
    const ref = r.success ? messageRefOf(r.data.message) : undefined;
    const status = r.success ? RECEIPT_STATUS[r.data.receiptType] : undefined;
    // Without a requestId, the receipt itself names what it reports: a redelivery gets the same id.
    const eventId = base !== undefined ? `${base}:${i}` : r.success ? `receipt:${r.data.message}:${r.data.receiptType}` : `${syntheticEventId(raw)}:${i}`;
    const common = { eventId, at, raw, ...withContext };
    const ours = ref !== undefined && (envelope.conversationId === undefined || ref.conversationId === envelope.conversationId);
    if (!r.success || !ref || !ours || !status) {
      return { ...common, type: 'unknown', eventType: `receipt.${r.success ? r.data.receiptType : '(invalid)'}` };
    }
    return { ...common, type: 'status', providerMessageId: ref.messageId, status };
  });
}

const RECEIPT_STATUS: Readonly<Record<string, 'delivered' | 'read'>> = Object.freeze({ DELIVERED: 'delivered', READ: 'read' });

function messageRefOf(name: string): { conversationId: string; messageId: string } | undefined {
  const m = /^conversations\/([^/]+)\/messages\/([^/]+)$/.exec(name);
  return m?.[1] && m[2] ? { conversationId: m[1], messageId: m[2] } : undefined;
}

interface ParsedContext {
  fields?: Record<string, string>;
  displayName?: string;
  language?: string;
}

function contextOf(value: unknown): ParsedContext {
  const c = contextSchema.safeParse(value);
  if (!c.success) return {};
  const { entryPoint, placeId, resolvedLocale, nearPlaceId, widgetId, userInfo } = c.data;
  const userDeviceLocale = userInfo?.userDeviceLocale;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries({ entryPoint, placeId, resolvedLocale, userDeviceLocale, nearPlaceId, widgetId })) {
    if (v !== undefined && v !== '') fields[k] = v;
  }
  const language = resolvedLocale || userDeviceLocale || undefined;
  const displayName = userInfo?.displayName?.trim() || undefined;
  return {
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...(displayName ? { displayName } : {}),
    ...(language ? { language } : {}),
  };
}

/** The conversation is who we answer: Business Messages has no user id of its own. */
function userOf(conversationId: string | undefined, context: ParsedContext): ProviderUser | undefined {
  if (conversationId === undefined) return undefined;
  return {
    id: conversationId,
    ...(context.displayName ? { displayName: context.displayName } : {}),
    ...(context.language ? { language: context.language } : {}),
  };
}

/** The first of the given RFC 3339 times that parses; now when none does. */
function dateOf(...times: Array<string | undefined>): Date {
  for (const t of times) {
    if (t === undefined) continue;
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  return new Date();
}

function lastSegment(name: string | undefined): string | undefined {
  const last = name?.split('/').pop();
  return last ? last : undefined;
}

function syntheticEventId(body: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(body) ?? 'undefined').digest('hex')}`;
}
