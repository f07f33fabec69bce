/** Sending: reply, push, multicast, the validate endpoints and the loading animation. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { channelOf, checkBody, knownUser, meta, type EmulatorContext } from './context.js';
import { invalidProperty, LINE_ERRORS } from './errors.js';
import { isUuid } from './ids.js';
import { checkLoadingRules, checkMessagesRules } from './line-rules.js';
import type { SentMessage } from './state.js';
import type { LineMessage } from './types.js';

interface MessagesBody {
  messages: LineMessage[];
}
interface ReplyBody extends MessagesBody {
  replyToken: string;
}
interface PushBody extends MessagesBody {
  to: string;
}
interface MulticastBody extends MessagesBody {
  to: string[];
}

const RETRY_KEY = 'x-line-retry-key';
// Each handler casts req.body only after checkBody() has validated it against the spec schema.

/** undefined: no key; null: a malformed key, already answered 400. */
function retryKey(req: FastifyRequest, reply: FastifyReply): string | undefined | null {
  const key = req.headers[RETRY_KEY];
  if (key === undefined) return undefined;
  if (typeof key === 'string' && isUuid(key)) return key;
  void reply.code(400).send({ message: LINE_ERRORS.invalidRetryKey });
  return null;
}

/** Answers 409 when the key was accepted in the last 24 h; true when answered. */
function answeredAsRetry(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply, key: string | undefined): boolean {
  if (key === undefined) return false;
  const prior = ctx.state.acceptedRetry(channelOf(req), key);
  if (prior === undefined) return false;
  void reply
    .code(409)
    .header('x-line-accepted-request-id', prior.requestId)
    .send({ message: LINE_ERRORS.retryKeyAccepted, sentMessages: prior.sentMessages });
  return true;
}

export function registerMessagingRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;

  app.post('/v2/bot/message/reply', async (req, reply) => {
    if (!checkBody(ctx, req, reply, 'ReplyMessageRequest', checkMessagesRules)) return reply;
    const body = req.body as ReplyBody;
    const ch = channelOf(req);
    const userId = state.useReplyToken(ch.channelId, body.replyToken);
    const customer = userId === undefined ? undefined : state.findCustomer(ch.channelId, userId);
    if (customer === undefined) return reply.code(400).send({ message: LINE_ERRORS.invalidReplyToken });
    return { sentMessages: state.deliver(customer, body.messages, 'reply', meta(req).requestId) };
  });

  app.post('/v2/bot/message/push', async (req, reply) => {
    const key = retryKey(req, reply);
    if (key === null || !checkBody(ctx, req, reply, 'PushMessageRequest', checkMessagesRules)) return reply;
    if (answeredAsRetry(ctx, req, reply, key)) return reply;
    const body = req.body as PushBody;
    const customer = knownUser(req, ctx, body.to);
    if (customer === undefined) return reply.code(400).send(invalidProperty('to'));
    const requestId = meta(req).requestId;
    const sentMessages = state.deliver(customer, body.messages, 'push', requestId);
    if (key !== undefined) state.acceptRetry(channelOf(req), key, requestId, sentMessages);
    return { sentMessages };
  });

  app.post('/v2/bot/message/multicast', async (req, reply) => {
    const key = retryKey(req, reply);
    if (key === null || !checkBody(ctx, req, reply, 'MulticastRequest', checkMessagesRules)) return reply;
    if (answeredAsRetry(ctx, req, reply, key)) return reply;
    const body = req.body as MulticastBody;
    const requestId = meta(req).requestId;
    // Like LINE, ids that are not friends of the account are skipped silently.
    const sent: SentMessage[] = [];
    for (const to of new Set(body.to)) {
      const customer = knownUser(req, ctx, to);
      if (customer !== undefined) sent.push(...state.deliver(customer, body.messages, 'multicast', requestId));
    }
    if (key !== undefined) state.acceptRetry(channelOf(req), key, requestId, sent);
    return {};
  });

  for (const kind of ['reply', 'push', 'multicast', 'narrowcast', 'broadcast']) {
    app.post(`/v2/bot/message/validate/${kind}`, async (req, reply) => {
      if (!checkBody(ctx, req, reply, 'ValidateMessageRequest', checkMessagesRules)) return reply;
      return {};
    });
  }

  app.post('/v2/bot/chat/loading/start', async (req, reply) => {
    if (!checkBody(ctx, req, reply, 'ShowLoadingAnimationRequest', checkLoadingRules)) return reply;
    const body = req.body as { chatId: string; loadingSeconds?: number };
    const customer = knownUser(req, ctx, body.chatId);
    if (customer === undefined) return reply.code(400).send(invalidProperty('chatId'));
    customer.loadingUntil = state.now() + (body.loadingSeconds ?? 20) * 1000;
    return reply.code(202).send({});
  });
}
