/**
 * The Fastify app. Every API call (/v2/*, /v3/*) passes, in order: an injected fault if one matches,
 * the Bearer token check, the per-channel rate limit, then its route; each is recorded with its status.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
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

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function isApiPath(path: string): boolean {
  return path.startsWith('/v2/') || path.startsWith('/v3/');
}

function bearer(req: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

function redactedHeaders(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = k === 'authorization' ? 'Bearer <redacted>' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A pino Logger makes Fastify's logger generic `Logger`; routes only need the base logger type. */
function createFastify(logger: Logger | false): FastifyInstance {
  const common = { bodyLimit: BODY_LIMIT };
  return logger === false ? Fastify({ ...common, logger: false }) : (Fastify({ ...common, loggerInstance: logger }) as unknown as FastifyInstance);
}

export function buildApp(ctx: EmulatorContext, logger: Logger | false): FastifyInstance {
  const app = createFastify(logger);

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(Object.assign(new Error(LINE_ERRORS.invalidJson), { statusCode: 400 }), undefined);
    }
  });

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
    if (fault !== undefined) {
      if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.retryAfterSec !== undefined) void reply.header('retry-after', String(fault.retryAfterSec));
      return reply.code(fault.status).send(fault.body ?? defaultFaultBody(fault.status));
    }
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
      headers: redactedHeaders(req),
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
  for (const path of ['/', '/_emulator/ui']) {
    app.get(path, async (_req, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', UI_CSP).send(UI_HTML));
  }
  return app;
}
