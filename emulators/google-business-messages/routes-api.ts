/**
 * The Business Messages API methods in the discovery document: conversations.messages.create,
 * conversations.events.create, conversations.messages.updateReceipt, conversations.surveys.create.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkBody, meta, partnerOf, unknownQueryParams, type EmulatorContext } from './context.js';
import { receiveOnDevice } from './device.js';
import { GBM_ERRORS, googleError, invalidArgument } from './errors.js';
import { checkEventRules, checkMessageRules, checkReceiptRules } from './gbm-rules.js';
import { newUuid } from './ids.js';
import { fetchMedia, MAX_FILE_BYTES, MAX_THUMBNAIL_BYTES } from './media.js';
import { messageName } from './payloads.js';
import type { ConversationRecord } from './state.js';
import type { FieldViolation, GbmRepresentative, ReceivedGbm, ReceivedGbmEvent, ReceivedImage } from './types.js';

type Query = Record<string, string | undefined>;
type ConversationRoute = { Params: { conversationId: string }; Querystring: Query };
type MessageRoute = { Params: { conversationId: string; messageId: string }; Querystring: Query };
type Json = Record<string, unknown>;

const SURVEY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MEDIA_FETCH_TIMEOUT_MS = 10_000;

function fail(req: FastifyRequest, reply: FastifyReply, violations: FieldViolation[]): FastifyReply {
  meta(req).validationErrors = violations;
  return reply.code(400).send(invalidArgument(violations));
}

/** The conversation, if it exists and the caller's partner owns its agent; else answered 404 / 403. */
function conversationFor(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply, conversationId: string): ConversationRecord | undefined {
  const c = ctx.state.findConversation(conversationId);
  if (c === undefined) {
    void reply.code(404).send(googleError(404, GBM_ERRORS.notFound));
    return undefined;
  }
  if (ctx.state.requireAgent(c.agentId).partnerId !== partnerOf(req)) {
    void reply.code(403).send(googleError(403, GBM_ERRORS.permissionDenied));
    return undefined;
  }
  return c;
}

function boolParam(value: string | undefined, name: string): boolean | FieldViolation {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return { field: name, description: `Invalid value at '${name}' (TYPE_BOOL), "${value}"` };
}

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

/** Every contentInfo in a message, with its proto path. */
function contentInfos(body: Json): Array<{ field: string; info: Json }> {
  const out: Array<{ field: string; info: Json }> = [];
  const image = obj(obj(body['image'])?.['contentInfo']);
  if (image !== undefined) out.push({ field: 'message.image.content_info', info: image });
  const rc = obj(body['richCard']);
  const standalone = obj(obj(obj(rc?.['standaloneCard'])?.['cardContent'])?.['media'])?.['contentInfo'];
  if (obj(standalone) !== undefined) out.push({ field: 'message.rich_card.standalone_card.card_content.media.content_info', info: obj(standalone) ?? {} });
  const cards = obj(rc?.['carouselCard'])?.['cardContents'];
  if (Array.isArray(cards)) {
    cards.forEach((card, i) => {
      const info = obj(obj(obj(card)?.['media'])?.['contentInfo']);
      if (info !== undefined) out.push({ field: `message.rich_card.carousel_card.card_contents[${i}].media.content_info`, info });
    });
  }
  return out;
}

/** Fetches every file and thumbnail like Google does; the message image, as received, or violations. */
async function fetchAllMedia(ctx: EmulatorContext, body: Json): Promise<{ image?: ReceivedImage; violations: FieldViolation[] }> {
  const violations: FieldViolation[] = [];
  let image: ReceivedImage | undefined;
  for (const { field, info } of contentInfos(body)) {
    const fileUrl = String(info['fileUrl']);
    const file = await fetchMedia(fileUrl, MAX_FILE_BYTES, MEDIA_FETCH_TIMEOUT_MS, ctx.sender.signal);
    if (!file.ok) violations.push({ field: `${field}.file_url`, description: `${field}.file_url ${file.reason}: Business Messages could not fetch the file.` });
    const thumbnailUrl = typeof info['thumbnailUrl'] === 'string' && info['thumbnailUrl'] !== '' ? info['thumbnailUrl'] : undefined;
    if (thumbnailUrl !== undefined) {
      const thumb = await fetchMedia(thumbnailUrl, MAX_THUMBNAIL_BYTES, MEDIA_FETCH_TIMEOUT_MS, ctx.sender.signal);
      if (!thumb.ok) violations.push({ field: `${field}.thumbnail_url`, description: `${field}.thumbnail_url ${thumb.reason}: Business Messages could not fetch the thumbnail.` });
    }
    if (file.ok && field === 'message.image.content_info') {
      const mediaId = newUuid();
      ctx.state.businessMedia.set(mediaId, file.media);
      image = {
        fileUrl,
        ...(thumbnailUrl === undefined ? {} : { thumbnailUrl }),
        ...(typeof info['altText'] === 'string' ? { altText: info['altText'] } : {}),
        contentType: file.media.contentType,
        size: file.media.bytes.length,
        mediaId,
      };
    }
  }
  return { image, violations };
}

export function registerApiRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;

  app.post<ConversationRoute>('/v1/conversations/:conversationId/messages', async (req, reply) => {
    const forceFallback = boolParam(req.query.forceFallback, 'force_fallback');
    const queryProblems = [...unknownQueryParams(req.query, ['forceFallback']), ...(typeof forceFallback === 'boolean' ? [] : [forceFallback])];
    if (queryProblems.length > 0) return fail(req, reply, queryProblems);
    const body = checkBody(ctx, req, reply, 'BusinessMessagesMessage', 'message', (b) => checkMessageRules(b, { forceFallback: forceFallback === true }));
    if (body === undefined) return reply;
    const c = conversationFor(ctx, req, reply, req.params.conversationId);
    if (c === undefined) return reply;
    const messageId = String(body['messageId']);
    if (c.messageIds.has(messageId)) return reply.code(409).send(googleError(409, GBM_ERRORS.alreadyExists));
    c.messageIds.add(messageId); // reserved while the media is fetched, so a concurrent repeat is refused too
    const { image, violations } = await fetchAllMedia(ctx, body);
    if (violations.length > 0) {
      c.messageIds.delete(messageId);
      return fail(req, reply, violations);
    }
    const { name: _ignored, ...resource } = body;
    const name = messageName(c.conversationId, messageId);
    const received: ReceivedGbm = {
      at: state.now(),
      messageId,
      name,
      representative: body['representative'] as GbmRepresentative,
      ...(typeof body['text'] === 'string' ? { text: body['text'] } : {}),
      ...(image === undefined ? {} : { image }),
      ...(obj(body['richCard']) === undefined ? {} : { richCard: obj(body['richCard']) }),
      ...(typeof body['fallback'] === 'string' ? { fallback: body['fallback'] } : {}),
      ...(Array.isArray(body['suggestions']) ? { suggestions: body['suggestions'] as Json[] } : {}),
      ...(body['containsRichText'] === true ? { containsRichText: true } : {}),
      ...(forceFallback === true ? { forceFallback: true } : {}),
      receiptsSent: [],
    };
    receiveOnDevice(ctx, c, received);
    return { name, ...resource };
  });

  app.post<ConversationRoute>('/v1/conversations/:conversationId/events', async (req, reply) => {
    const queryProblems = unknownQueryParams(req.query, ['eventId']);
    if (queryProblems.length > 0) return fail(req, reply, queryProblems);
    const body = checkBody(ctx, req, reply, 'BusinessMessagesEvent', 'event', checkEventRules);
    if (body === undefined) return reply;
    const c = conversationFor(ctx, req, reply, req.params.conversationId);
    if (c === undefined) return reply;
    const eventId = req.query.eventId ?? newUuid();
    if (c.eventIds.has(eventId)) return reply.code(409).send(googleError(409, GBM_ERRORS.alreadyExists));
    c.eventIds.add(eventId);
    const event: ReceivedGbmEvent = {
      at: state.now(),
      eventId,
      name: `conversations/${c.conversationId}/events/${eventId}`,
      eventType: body['eventType'] as ReceivedGbmEvent['eventType'],
      representative: body['representative'] as GbmRepresentative,
    };
    c.events.push(event);
    c.entries.push({ at: event.at, from: 'business', kind: 'event', payload: { ...event } });
    state.notify(c);
    return { name: event.name, eventType: event.eventType, representative: event.representative };
  });

  app.patch<MessageRoute>('/v1/conversations/:conversationId/messages/:messageId/receipt', async (req, reply) => {
    const queryProblems = unknownQueryParams(req.query, []);
    if (queryProblems.length > 0) return fail(req, reply, queryProblems);
    if (checkBody(ctx, req, reply, 'BusinessMessagesReceipt', 'receipt', checkReceiptRules) === undefined) return reply;
    const c = conversationFor(ctx, req, reply, req.params.conversationId);
    if (c === undefined) return reply;
    const sent = c.sent.find((s) => s.messageId === req.params.messageId);
    if (sent === undefined) return reply.code(404).send(googleError(404, GBM_ERRORS.notFound));
    sent.readByBusinessAt ??= state.now();
    const name = `${messageName(c.conversationId, sent.messageId)}/receipt`;
    c.entries.push({ at: state.now(), from: 'business', kind: 'receipts', payload: { name, receiptType: 'READ' } });
    state.notify(c);
    return { name, receiptType: 'READ' };
  });

  app.post<ConversationRoute>('/v1/conversations/:conversationId/surveys', async (req, reply) => {
    const queryProblems = unknownQueryParams(req.query, ['surveyId']);
    if (queryProblems.length > 0) return fail(req, reply, queryProblems);
    if (checkBody(ctx, req, reply, 'BusinessMessagesSurvey', 'survey') === undefined) return reply;
    const c = conversationFor(ctx, req, reply, req.params.conversationId);
    if (c === undefined) return reply;
    const surveyId = req.query.surveyId ?? newUuid();
    const name = `conversations/${c.conversationId}/surveys/${surveyId}`;
    const now = state.now();
    // A repeated surveyId is ignored; only the first survey in 24 hours reaches the user.
    if (!c.surveyIds.has(surveyId)) {
      c.surveyIds.add(surveyId);
      if (!c.surveys.some((s) => now - s.at < SURVEY_WINDOW_MS)) {
        c.surveys.push({ at: now, surveyId, name });
        c.entries.push({ at: now, from: 'business', kind: 'survey', payload: { name } });
        state.notify(c);
      }
    }
    return { name };
  });
}
