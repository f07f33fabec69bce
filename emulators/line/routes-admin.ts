/** /_emulator/*: the programmatic API over HTTP, for the CLI demo and the browser page. No auth: bind to localhost. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { faultBodySchema, parseBody, registerFaultRoutes } from '../shared/admin.js';
import type { EmulatorContext } from './context.js';
import { userIdForName } from './ids.js';
import type { ChannelRecord, CustomerRecord } from './state.js';
import type { EmulatedCustomer, WebhookDelivery } from './types.js';

const channelBody = z.object({
  channelId: z.string().min(1),
  channelSecret: z.string().min(1),
  channelAccessToken: z.string().min(1),
  webhookUrl: z.url().optional(),
  botUserId: z.string().regex(/^U[0-9a-f]{32}$/).optional(),
});
const customerBody = z.object({
  userId: z.string().regex(/^U[0-9a-f]{32}$/).optional(),
  displayName: z.string().min(1).max(20).optional(),
  language: z.string().min(2).optional(),
  pictureUrl: z.url().optional(),
});
const b64 = z.string().min(1);
const messageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1), quoteToken: z.string().optional() }),
  z.object({ type: z.literal('image'), dataBase64: b64, contentType: z.string().default('image/jpeg') }),
  z.object({ type: z.literal('video'), dataBase64: b64, durationMs: z.number().int().positive().optional() }),
  z.object({ type: z.literal('audio'), dataBase64: b64, durationMs: z.number().int().positive().optional() }),
  z.object({ type: z.literal('file'), dataBase64: b64, fileName: z.string().min(1) }),
  z.object({
    type: z.literal('location'),
    title: z.string().optional(),
    address: z.string().optional(),
    latitude: z.number(),
    longitude: z.number(),
  }),
  z.object({ type: z.literal('sticker'), packageId: z.string().min(1), stickerId: z.string().min(1) }),
]);
const eventBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('follow') }),
  z.object({ type: z.literal('unfollow') }),
  z.object({ type: z.literal('postback'), data: z.string() }),
  z.object({ type: z.literal('unsend'), messageId: z.string().min(1) }),
]);

type CustomerParams = { Params: { channelId: string; userId: string } };

function customerSummary(c: CustomerRecord, now: number): Record<string, unknown> {
  return { userId: c.userId, ...c.profile, following: c.following, loading: c.loadingUntil > now };
}

function channelSummary(ch: ChannelRecord, now: number): Record<string, unknown> {
  return {
    channelId: ch.channelId,
    botUserId: ch.botUserId,
    webhookUrl: ch.webhookUrl ?? null,
    customers: [...ch.customers.values()].map((c) => customerSummary(c, now)),
  };
}

function sendAs(c: EmulatedCustomer, m: z.infer<typeof messageBody>): Promise<WebhookDelivery> {
  switch (m.type) {
    case 'text':
      return c.sendText(m.text, m.quoteToken === undefined ? undefined : { quoteToken: m.quoteToken });
    case 'image':
      return c.sendImage(Buffer.from(m.dataBase64, 'base64'), m.contentType);
    case 'video':
      return c.sendVideo(Buffer.from(m.dataBase64, 'base64'), m.durationMs);
    case 'audio':
      return c.sendAudio(Buffer.from(m.dataBase64, 'base64'), m.durationMs);
    case 'file':
      return c.sendFile(Buffer.from(m.dataBase64, 'base64'), m.fileName);
    case 'location':
      return c.sendLocation(m);
    case 'sticker':
      return c.sendSticker(m.packageId, m.stickerId);
  }
}

export function registerAdminRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const unknownChannel = (reply: FastifyReply, id: string): FastifyReply => reply.code(404).send({ message: `unknown channel ${id}` });

  app.get('/_emulator/channels', async () => state.listChannels().map((ch) => channelSummary(ch, state.now())));

  app.post('/_emulator/channels', async (req, reply) => {
    const body = parseBody(channelBody, req.body, reply);
    if (body === undefined) return reply;
    return reply.code(201).send(channelSummary(state.addChannel(body), state.now()));
  });

  app.put<{ Params: { channelId: string } }>('/_emulator/channels/:channelId/webhook', async (req, reply) => {
    const body = parseBody(z.object({ url: z.url() }), req.body, reply);
    if (body === undefined) return reply;
    const ch = state.channel(req.params.channelId);
    if (ch === undefined) return unknownChannel(reply, req.params.channelId);
    ch.webhookUrl = body.url;
    return channelSummary(ch, state.now());
  });

  app.post<{ Params: { channelId: string } }>('/_emulator/channels/:channelId/customers', async (req, reply) => {
    const body = parseBody(customerBody, req.body, reply);
    if (body === undefined) return reply;
    const { channelId } = req.params;
    if (state.channel(channelId) === undefined) return unknownChannel(reply, channelId);
    const userId = body.userId ?? (body.displayName === undefined ? undefined : userIdForName(channelId, body.displayName));
    const c = ctx.customer(channelId, userId, body);
    return customerSummary(state.customer(channelId, c.userId), state.now());
  });

  app.post<CustomerParams>('/_emulator/channels/:channelId/customers/:userId/messages', async (req, reply) => {
    const body = parseBody(messageBody, req.body, reply);
    if (body === undefined) return reply;
    if (state.channel(req.params.channelId) === undefined) return unknownChannel(reply, req.params.channelId);
    return sendAs(ctx.customer(req.params.channelId, req.params.userId), body);
  });

  app.post<CustomerParams>('/_emulator/channels/:channelId/customers/:userId/events', async (req, reply) => {
    const body = parseBody(eventBody, req.body, reply);
    if (body === undefined) return reply;
    if (state.channel(req.params.channelId) === undefined) return unknownChannel(reply, req.params.channelId);
    const c = ctx.customer(req.params.channelId, req.params.userId);
    if (body.type === 'postback') return c.postback(body.data);
    if (body.type === 'unsend') return c.unsend(body.messageId);
    return body.type === 'follow' ? c.follow() : c.unfollow();
  });

  app.get<CustomerParams>('/_emulator/channels/:channelId/customers/:userId/inbox', async (req, reply) => {
    const c = state.findCustomer(req.params.channelId, req.params.userId);
    return c === undefined ? reply.code(404).send({ message: 'unknown customer' }) : c.inbox;
  });

  app.get<CustomerParams>('/_emulator/channels/:channelId/customers/:userId/conversation', async (req, reply) => {
    const c = state.findCustomer(req.params.channelId, req.params.userId);
    if (c === undefined) return reply.code(404).send({ message: 'unknown customer' });
    return { customer: customerSummary(c, state.now()), entries: c.conversation };
  });

  app.get<{ Params: { channelId: string; messageId: string } }>('/_emulator/channels/:channelId/content/:messageId', async (req, reply) => {
    const m = ctx.media.get(req.params.channelId, req.params.messageId);
    return m === undefined ? reply.code(404).send({ message: 'Not found' }) : reply.type(m.contentType).send(m.bytes);
  });

  app.get('/_emulator/requests', async () => ctx.recorded);

  registerFaultRoutes(app, {
    faults: ctx.faults,
    schema: faultBodySchema,
    missingPathMessage: 'path or pathRegex is required',
    okBody: {},
  });
}
