/** The agent API: queues, conversations, messages, attachments. Thin: validate, call, answer. */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { BlobStore } from '../../services/blob-store.js';
import type { ConversationsService } from '../../services/conversations-service.js';
import type { Conversation } from '../../store/conversations-repo.js';
import { defineRoute, type AnyRoute, type AuthUser } from '../route.js';

const ANY = ['admin', 'supervisor', 'agent'] as const;
const STATES = ['open', 'active', 'waiting', 'wrapup', 'closed'] as const;

const Id = z.object({ id: z.string().min(1) });

export const ConversationSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  channelInstanceId: z.string(),
  identityId: z.string(),
  contactId: z.string().nullable(),
  workstreamId: z.string(),
  queueId: z.string().nullable(),
  agentId: z.string().nullable(),
  state: z.enum(STATES),
  context: z.record(z.string(), z.unknown()),
  lastSeq: z.number(),
  lastMessageAt: z.number(),
  lastCustomerAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  closedAt: z.number().nullable(),
});

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number(),
  direction: z.enum(['in', 'out']),
  senderType: z.enum(['customer', 'agent', 'bot', 'system']),
  authorUserId: z.string().nullable(),
  content: z.record(z.string(), z.unknown()).describe('MessageContent: {kind: text|image|video|audio|file|location|sticker|postback|event, …}'),
  providerMessageId: z.string().nullable(),
  status: z.enum(['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed']),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const OutgoingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(20_000) }),
  z.object({
    kind: z.enum(['image', 'video', 'audio', 'file']),
    blobId: z.string().min(1),
    caption: z.string().max(3000).optional(),
    durationMs: z.number().int().positive().optional(),
  }),
  z.object({ kind: z.literal('sticker'), packageId: z.string().min(1), stickerId: z.string().min(1) }),
  z.object({
    kind: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    title: z.string().max(100).optional(),
    address: z.string().max(100).optional(),
  }),
  z.object({ kind: z.literal('template'), templateId: z.string().min(1), variables: z.record(z.string(), z.string().max(1024)).default({}) }),
]);

function publicConversation<T extends { replyToken?: unknown; replyTokenAt?: unknown }>(c: T): Omit<T, 'replyToken' | 'replyTokenAt'> {
  const { replyToken: _t, replyTokenAt: _a, ...rest } = c;
  return rest;
}

function publicMessage<T extends { idempotencyKey?: unknown; attempts?: unknown }>(m: T): Omit<T, 'idempotencyKey'> {
  const { idempotencyKey: _k, ...rest } = m;
  return rest;
}

export function conversationRoutes(d: {
  conversations: ConversationsService;
  blobs: BlobStore;
  /** Picking goes through distribution (capacity, withdrawing offers). */
  pick: (user: AuthUser, conversationId: string) => Promise<Conversation>;
}): AnyRoute[] {
  const svc = d.conversations;
  const action = (verb: 'release' | 'wait' | 'resume' | 'end' | 'close', summary: string) =>
    defineRoute({
      method: 'POST',
      path: `/api/conversations/:id/${verb}`,
      tag: 'conversations',
      summary,
      auth: ANY,
      params: Id,
      response: ConversationSchema,
      handler: async ({ user, params }) => publicConversation(await svc.act(user, params.id, verb)),
    });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/conversations',
      tag: 'conversations',
      summary: "List conversations: an agent's own by default; supervisors and admins see all",
      auth: ANY,
      query: z.object({
        state: z
          .string()
          .optional()
          .transform((s) => (s ? s.split(',') : undefined))
          .pipe(z.array(z.enum(STATES)).optional()),
        queueId: z.string().optional(),
        mine: z.enum(['true', 'false']).optional(),
      }),
      response: z.array(ConversationSchema),
      handler: async ({ user, query }) =>
        (
          await svc.list(user, {
            ...(query.state ? { states: query.state } : {}),
            ...(query.queueId ? { queueId: query.queueId } : {}),
            mine: query.mine === 'true',
          })
        ).map(publicConversation),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/queues/:id/items',
      tag: 'conversations',
      summary: 'Open conversations waiting in a queue, oldest first (members, supervisors, admins)',
      auth: ANY,
      params: Id,
      response: z.array(ConversationSchema),
      handler: async ({ user, params }) => (await svc.queueItems(user, params.id)).map(publicConversation),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id',
      tag: 'conversations',
      summary: 'A conversation with its customer identity, channel instance and messaging window',
      auth: ANY,
      params: Id,
      handler: async ({ user, params }) => {
        const v = await svc.view(user, params.id);
        return { ...v, conversation: publicConversation(v.conversation) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id/messages',
      tag: 'conversations',
      summary: 'Messages in order; pass afterSeq to get only newer ones',
      auth: ANY,
      params: Id,
      query: z.object({
        afterSeq: z.coerce.number().int().min(0).optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
      response: z.array(MessageSchema),
      handler: async ({ user, params, query }) => (await svc.messages(user, params.id, query.afterSeq, query.limit)).map(publicMessage),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id/templates',
      tag: 'conversations',
      summary: "Approved templates for this conversation's channel, its language first (WhatsApp outside the 24-hour window)",
      auth: ANY,
      params: Id,
      handler: ({ user, params }) => svc.templatesFor(user, params.id),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/pick',
      tag: 'conversations',
      summary: 'Take an open conversation from a queue you belong to',
      auth: ANY,
      params: Id,
      response: ConversationSchema,
      handler: async ({ user, params }) => publicConversation(await d.pick(user, params.id)),
    }),
    action('release', 'Put the conversation back in its queue'),
    action('wait', 'Set the conversation aside (Waiting); the customer may answer later'),
    action('resume', 'Take a Waiting conversation up again'),
    action('end', 'End the conversation: it moves to wrap-up'),
    action('close', 'Close the conversation for good (after wrap-up, or a supervisor force-close)'),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/messages',
      tag: 'conversations',
      summary: 'Send a message (text, an uploaded attachment, a sticker or a location). Optional Idempotency-Key header.',
      auth: ANY,
      params: Id,
      body: OutgoingSchema,
      response: MessageSchema,
      successStatus: 202,
      handler: async ({ user, params, body, req }) => {
        const key = req.headers['idempotency-key'];
        if (key !== undefined && (typeof key !== 'string' || key.length < 8 || key.length > 128)) {
          throw new AppError('bad_request', 'Idempotency-Key must be 8 to 128 characters');
        }
        return publicMessage(await svc.send(user, params.id, body, key));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/blobs',
      tag: 'attachments',
      summary: 'Upload an attachment (raw body; Content-Type is the file type). Returns its id for sending.',
      auth: ANY,
      query: z.object({ fileName: z.string().max(255).optional() }),
      rawBody: { contentTypes: ['image/*', 'video/*', 'audio/*', 'application/*'] },
      successStatus: 201,
      handler: async ({ user, query, req }) => {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AppError('bad_request', 'The body is empty');
        const contentType = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
        const blob = await d.blobs.put(req.body, { contentType, fileName: query.fileName ?? null, uploadedBy: user.id });
        return { id: blob.id, contentType: blob.contentType, size: blob.size, fileName: blob.fileName };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/blobs/:id',
      tag: 'attachments',
      summary: 'Download an attachment of a conversation you may see',
      auth: ANY,
      params: Id,
      handler: async ({ user, params, reply }) => {
        const blob = (await svc.canReadBlob(user, params.id)) ? await d.blobs.get(params.id) : undefined;
        if (!blob) throw new AppError('not_found', `No attachment ${params.id}`);
        void reply
          .type(blob.contentType)
          .header('content-length', blob.size)
          .header('x-content-type-options', 'nosniff')
          .header('content-disposition', `${blob.contentType.startsWith('image/') ? 'inline' : 'attachment'}; filename="${(blob.fileName ?? blob.id).replace(/[^\w.-]/g, '_')}"`);
        return reply.send(d.blobs.stream(blob.id));
      },
    }),
  ];
}
