/**
 * The customer-facing web chat API, `/webchat/:accountId/…`, and the widget script,
 * `/webchat/widget.js`. Every account route first checks the browser's Origin against the
 * account's allowed origins (403 otherwise) and answers with CORS headers for that origin only;
 * visitors authenticate with the hub-signed token from POST …/session (Authorization: Bearer),
 * never with cookies, so no credentials are shared cross-site. Handlers stay thin: validate,
 * call WebChatService, answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { bearerToken } from '../auth.js';
import { errorHandler } from '../errors.js';
import { RateLimitedError, WebChatService, type WebChatAccount, type WebChatServiceDeps } from './service.js';
import { webChatSocket } from './socket.js';
import { WIDGET_ETAG, WIDGET_SOURCE } from './widget/source.js';

export type WebChatRoutesDeps = WebChatServiceDeps & {
  /** Largest customer upload in bytes (default 10 MiB). */
  maxUploadBytes?: number;
};

/** JSON bodies are small: the longest message (10 000 characters) fits several times over. */
const JSON_BODY_LIMIT = 64 * 1024;
const DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024;

const uuid = z.uuid('must be a UUID');
const SessionBody = z.object({
  visitorId: uuid.optional(),
  customerToken: z.string().min(1).max(4096).optional(),
  preChat: z.record(z.string().max(64), z.string().max(4000)).optional(),
});
const SendBody = z.object({
  clientMessageId: uuid,
  // Bounded here only against abuse; the account's maxMessageLength gives the clear message.
  text: z.string().max(20_000).optional(),
  blobId: z.string().min(1).max(100).optional(),
});
const HistoryQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
  conversationId: z.string().min(1).max(100).optional(),
});
const TypingBody = z.object({ isTyping: z.boolean() });
const ReceiptsBody = z.object({ messageIds: z.array(z.string().min(1).max(100)).min(1).max(200), status: z.enum(['delivered', 'read']) });
const UploadQuery = z.object({ fileName: z.string().max(255).optional() });
const BlobParams = z.object({ accountId: z.string(), id: z.string().min(1).max(100) });

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new AppError('bad_request', r.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; '), r.error.issues);
  }
  return r.data;
}

function jsonBody<T>(req: FastifyRequest, schema: z.ZodType<T>): T {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('unsupported_media_type', 'Send the body as application/json');
  return parse(schema, req.body, 'body');
}

export async function webchatRoutes(app: FastifyInstance, d: WebChatRoutesDeps): Promise<void> {
  const svc = new WebChatService(d);
  const accounts = new WeakMap<FastifyRequest, WebChatAccount>();
  const accountOf = (req: FastifyRequest): WebChatAccount => {
    const a = accounts.get(req);
    if (!a) throw new AppError('not_found', 'No web chat account');
    return a;
  };
  const visitorOf = (req: FastifyRequest) => svc.visitor(accountOf(req), bearerToken(req));

  // A 429 carries the bucket's own Retry-After; everything else is the hub's usual error body.
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof RateLimitedError) {
      void reply
        .code(429)
        .header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))))
        .send({ error: { code: err.code, message: err.message } });
      return;
    }
    errorHandler(err, req, reply);
  });

  // Origin check + CORS for every account route (before the body is read).
  app.addHook('onRequest', async (req, reply) => {
    const accountId = (req.params as { accountId?: unknown } | undefined)?.accountId;
    if (typeof accountId !== 'string') return; // /webchat/widget.js
    const account = await svc.account(accountId);
    if (!account) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No web chat account ${accountId}` } });
    }
    const origin = req.headers.origin;
    void reply.header('vary', 'Origin');
    if (!origin || !account.settings.allowedOrigins.includes(origin)) {
      return reply.code(403).send({
        error: { code: 'forbidden', message: `Origin ${origin ?? '(none)'} may not use this web chat; an admin can add it to the account's allowed origins` },
      });
    }
    void reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', 'Retry-After');
    accounts.set(req, account);
  });

  app.options('/webchat/:accountId/*', async (_req, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600')
      .send(),
  );

  app.get('/webchat/widget.js', async (req, reply) => {
    void reply
      .header('etag', WIDGET_ETAG)
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('x-content-type-options', 'nosniff');
    if (req.headers['if-none-match'] === WIDGET_ETAG) return reply.code(304).send();
    return reply.type('application/javascript; charset=utf-8').send(WIDGET_SOURCE);
  });

  app.post('/webchat/:accountId/session', { bodyLimit: JSON_BODY_LIMIT }, async (req) => {
    const body = jsonBody(req, SessionBody);
    return svc.startSession(accountOf(req), {
      ...(body.visitorId ? { visitorId: body.visitorId } : {}),
      ...(body.customerToken !== undefined ? { customerToken: body.customerToken } : {}),
      ...(body.preChat ? { preChat: body.preChat } : {}),
    });
  });

  app.get('/webchat/:accountId/messages', async (req) => {
    const visitor = visitorOf(req);
    const q = parse(HistoryQuery, req.query, 'query');
    return svc.history(accountOf(req), visitor, {
      ...(q.afterSeq !== undefined ? { afterSeq: q.afterSeq } : {}),
      ...(q.conversationId ? { conversationId: q.conversationId } : {}),
    });
  });

  app.post('/webchat/:accountId/messages', { bodyLimit: JSON_BODY_LIMIT }, async (req, reply) => {
    const visitor = visitorOf(req);
    const body = jsonBody(req, SendBody);
    const message = await svc.send(accountOf(req), visitor, {
      clientMessageId: body.clientMessageId,
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.blobId !== undefined ? { blobId: body.blobId } : {}),
    });
    return reply.code(202).send(message);
  });

  app.post(
    '/webchat/:accountId/uploads',
    { bodyLimit: Math.max(1, d.maxUploadBytes ?? DEFAULT_MAX_UPLOAD) },
    async (req, reply) => {
      const visitor = visitorOf(req);
      const q = parse(UploadQuery, req.query, 'query');
      if (!Buffer.isBuffer(req.body)) throw new AppError('unsupported_media_type', 'Upload the file as its own Content-Type (image/png, application/pdf…)');
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const blob = await svc.upload(accountOf(req), visitor, { body: req.body, contentType, ...(q.fileName ? { fileName: q.fileName } : {}) });
      return reply.code(201).send(blob);
    },
  );

  app.get('/webchat/:accountId/blobs/:id', async (req, reply: FastifyReply) => {
    const visitor = visitorOf(req);
    const { id } = parse(BlobParams, req.params, 'params');
    const blob = await svc.blobFor(accountOf(req), visitor, id);
    const inline = /^(image|video|audio)\//.test(blob.contentType);
    void reply
      .type(blob.contentType)
      .header('content-length', blob.size)
      .header('cache-control', 'private, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${(blob.fileName ?? blob.id).replace(/[^\w.-]/g, '_')}"`);
    return reply.send(d.blobs.stream(blob.id));
  });

  app.post('/webchat/:accountId/typing', { bodyLimit: JSON_BODY_LIMIT }, async (req, reply) => {
    const visitor = visitorOf(req);
    const body = jsonBody(req, TypingBody);
    await svc.typing(accountOf(req), visitor, body.isTyping);
    return reply.code(204).send();
  });

  app.post('/webchat/:accountId/receipts', { bodyLimit: JSON_BODY_LIMIT }, async (req, reply) => {
    const visitor = visitorOf(req);
    const body = jsonBody(req, ReceiptsBody);
    const accepted = await svc.receipts(accountOf(req), visitor, body.messageIds, body.status);
    return reply.code(202).send({ accepted });
  });

  webChatSocket(app, { svc, bus: d.bus, accountOf });
}
