/**
 * The Fastify app. Every API call (/v2/*, /v3/*) passes, in order: an injected fault if one matches,
 * the Bearer token check, the per-channel rate limit, then its route; each is recorded with its status.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { answerFault } from '../shared/faults.js';
import { createFastify, parseJsonStrictly, pathOf, redactedHeaders, serveCustomerPage } from '../shared/http.js';
import { meta, notFound, setMeta, type EmulatorContext } from './context.js';
import { defaultFaultBody, LINE_ERRORS } from './errors.js';
import { newRequestId } from './ids.js';
import { registerAdminRoutes } from './routes-admin.js';
import { registerBotRoutes } from './routes-bot.js';
import { registerContentRoutes } from './routes-content.js';
import { registerMessagingRoutes } from './routes-messaging.js';
import { UI_HTML } from './ui.js';

const BODY_LIMIT = 30 * 1024 * 1024;
const UI_CSP = "default-src 'self'; img-src * data: blob:; script-src 'unsafe-inline'; style-src 'unsafe-inline'";

export function isApiPath(path: string): boolean {
  return path.startsWith('/v2/') || path.startsWith('/v3/');
}

function bearer(req: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

export function buildApp(ctx: EmulatorContext, logger: Logger | false): FastifyInstance {
  const app = createFastify(logger, { bodyLimit: BODY_LIMIT });

  parseJsonStrictly(app, LINE_ERRORS.invalidJson);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'LINE emulator: handler failed');
    return reply.code(status).send({ message: status >= 500 ? LINE_ERRORS.internal : err.message });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(notFound));

  app.addHook('onRequest', async (req, reply) => {
    const requestId = newRequestId();
    setMeta(req, { requestId, channel: undefined });
    void reply.header('x-line-request-id', requestId);
    const token = bearer(req);
    if (token !== undefined) meta(req).channel = ctx.state.channelByToken(token);
  });

  app.addHook('preHandler', async (req, reply) => {
    const path = pathOf(req.url);
    if (!isApiPath(path)) return;
    const fault = ctx.faults.take(req.method, path);
    if (fault !== undefined) return answerFault(reply, fault, defaultFaultBody);
    const channel = meta(req).channel;
    if (channel === undefined) return reply.code(401).send({ message: LINE_ERRORS.auth });
    if (!ctx.limiter.allow(channel.channelId)) return reply.code(429).send({ message: LINE_ERRORS.rateLimit });
    return undefined;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const path = pathOf(req.url);
    if (!isApiPath(path)) return payload;
    const m = meta(req);
    ctx.recorded.push({
      at: ctx.state.now(),
      method: req.method,
      path,
      ...(m.channel === undefined ? {} : { channelId: m.channel.channelId }),
      headers: redactedHeaders(req, 'Bearer <redacted>'),
      body: req.body,
      status: reply.statusCode,
      ...(m.validationErrors === undefined ? {} : { validationErrors: m.validationErrors }),
      requestId: m.requestId,
    });
    return payload;
  });

  registerMessagingRoutes(app, ctx);
  registerBotRoutes(app, ctx);
  registerContentRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  serveCustomerPage(app, UI_HTML, UI_CSP);
  return app;
}
