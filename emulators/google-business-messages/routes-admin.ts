/** /_emulator/*: the programmatic API over HTTP, for the CLI demo and the browser page. No auth: bind to localhost. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { faultBodySchema, parseBody, registerFaultRoutes } from '../shared/admin.js';
import { registerAgent, setAgentWebhook } from './agents.js';
import type { EmulatorContext } from './context.js';
import { conversationIdForName } from './ids.js';
import type { AgentRecord, ConversationRecord } from './state.js';
import type { EmulatedGbmCustomer, WebhookDelivery } from './types.js';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const agentBody = z.object({
  agentId: id,
  brandId: id,
  partnerId: id,
  clientToken: z.string().min(1),
  webhookUrl: z.url().optional(),
  customAgentId: z.string().optional(),
  defaultLocale: z.string().min(2).optional(),
});
const customerBody = z.object({
  displayName: z.string().min(1).max(100).optional(),
  locale: z.string().min(2).optional(),
  entryPoint: z.string().min(1).optional(),
  placeId: z.string().min(1).optional(),
  conversationId: z.uuid().optional(),
});
const messageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1) }),
  z.object({ type: z.literal('image'), dataBase64: z.string().min(1), contentType: z.string().default('image/jpeg') }),
  z.object({ type: z.literal('suggestion'), postbackData: z.string(), text: z.string() }),
]);
const statusBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('typing'), isTyping: z.boolean() }),
  z.object({ type: z.literal('liveAgent') }),
]);

type ConversationParams = { Params: { conversationId: string } };

function conversationSummary(c: ConversationRecord): Record<string, unknown> {
  const lastTyping = c.events.filter((e) => e.eventType === 'TYPING_STARTED' || e.eventType === 'TYPING_STOPPED').at(-1);
  return { conversationId: c.conversationId, agentId: c.agentId, ...c.profile, businessTyping: lastTyping?.eventType === 'TYPING_STARTED' };
}

function agentSummary(ctx: EmulatorContext, a: AgentRecord): Record<string, unknown> {
  return {
    agentId: a.agentId,
    brandId: a.brandId,
    partnerId: a.partnerId,
    customAgentId: a.customAgentId,
    defaultLocale: a.defaultLocale,
    webhookUrl: a.webhookUrl ?? null,
    conversations: ctx.state.conversationsOf(a.agentId).map(conversationSummary),
  };
}

function sendAs(c: EmulatedGbmCustomer, m: z.infer<typeof messageBody>): Promise<WebhookDelivery> {
  switch (m.type) {
    case 'text':
      return c.sendText(m.text);
    case 'image':
      return c.sendImage(Buffer.from(m.dataBase64, 'base64'), m.contentType);
    case 'suggestion':
      return c.sendSuggestionResponse(m.postbackData, m.text);
  }
}

export function registerAdminRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const unknownAgent = (reply: FastifyReply, agentId: string): FastifyReply => reply.code(404).send({ message: `unknown agent ${agentId}` });
  const unknownConversation = (reply: FastifyReply, cid: string): FastifyReply => reply.code(404).send({ message: `unknown conversation ${cid}` });
  const customerOf = (cid: string): EmulatedGbmCustomer | undefined => {
    const c = state.findConversation(cid);
    return c === undefined ? undefined : ctx.customer(c.agentId, { conversationId: cid });
  };

  app.get('/_emulator/agents', async () => state.listAgents().map((a) => agentSummary(ctx, a)));

  app.post('/_emulator/agents', async (req, reply) => {
    const body = parseBody(agentBody, req.body, reply);
    if (body === undefined) return reply;
    const { serviceAccount } = registerAgent(ctx, body);
    return reply.code(201).send({ ...agentSummary(ctx, state.requireAgent(body.agentId)), serviceAccount });
  });

  app.get<{ Params: { agentId: string } }>('/_emulator/agents/:agentId/service-account', async (req, reply) => {
    const a = state.agent(req.params.agentId);
    if (a === undefined) return unknownAgent(reply, req.params.agentId);
    return state.serviceAccountOf(a.partnerId)?.json ?? reply.code(404).send({ message: 'no service account' });
  });

  app.put<{ Params: { agentId: string } }>('/_emulator/agents/:agentId/webhook', async (req, reply) => {
    const body = parseBody(z.object({ url: z.url() }), req.body, reply);
    if (body === undefined) return reply;
    if (state.agent(req.params.agentId) === undefined) return unknownAgent(reply, req.params.agentId);
    return setAgentWebhook(ctx, req.params.agentId, body.url);
  });

  app.post<{ Params: { agentId: string } }>('/_emulator/agents/:agentId/customers', async (req, reply) => {
    const body = parseBody(customerBody, req.body, reply);
    if (body === undefined) return reply;
    const { agentId } = req.params;
    if (state.agent(agentId) === undefined) return unknownAgent(reply, agentId);
    const conversationId = body.conversationId ?? (body.displayName === undefined ? undefined : conversationIdForName(agentId, body.displayName));
    const c = ctx.customer(agentId, { ...body, ...(conversationId === undefined ? {} : { conversationId }) });
    return conversationSummary(state.conversation(agentId, { conversationId: c.conversationId }));
  });

  app.post<ConversationParams>('/_emulator/conversations/:conversationId/messages', async (req, reply) => {
    const body = parseBody(messageBody, req.body, reply);
    if (body === undefined) return reply;
    const c = customerOf(req.params.conversationId);
    return c === undefined ? unknownConversation(reply, req.params.conversationId) : sendAs(c, body);
  });

  app.post<ConversationParams>('/_emulator/conversations/:conversationId/status', async (req, reply) => {
    const body = parseBody(statusBody, req.body, reply);
    if (body === undefined) return reply;
    const c = customerOf(req.params.conversationId);
    if (c === undefined) return unknownConversation(reply, req.params.conversationId);
    return body.type === 'typing' ? c.typing(body.isTyping) : c.requestLiveAgent();
  });

  app.post<ConversationParams>('/_emulator/conversations/:conversationId/read', async (req, reply) => {
    const body = parseBody(z.object({ messageId: z.string().min(1) }), req.body, reply);
    if (body === undefined) return reply;
    const c = customerOf(req.params.conversationId);
    if (c === undefined) return unknownConversation(reply, req.params.conversationId);
    if (!c.inbox().some((m) => m.messageId === body.messageId)) return reply.code(404).send({ message: `no business message ${body.messageId}` });
    return c.read(body.messageId);
  });

  app.get<ConversationParams>('/_emulator/conversations/:conversationId', async (req, reply) => {
    const c = state.findConversation(req.params.conversationId);
    if (c === undefined) return unknownConversation(reply, req.params.conversationId);
    return { conversation: conversationSummary(c), entries: c.entries, inbox: c.inbox, events: c.events, sent: c.sent };
  });

  app.get<{ Params: { mediaId: string } }>('/_emulator/media/:mediaId', async (req, reply) => {
    const m = state.businessMedia.get(req.params.mediaId);
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
