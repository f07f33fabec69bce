/**
 * The Fastify app. Every API call (/v1/*) passes, in order: an injected fault if one matches, the
 * access-token check (401 UNAUTHENTICATED), the scope check (403), then its route; /token passes
 * the fault check only. Both are recorded with their status.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { answerFault } from '../shared/faults.js';
import { createFastify, parseJsonStrictly, pathOf, redactedHeaders, serveCustomerPage } from '../shared/http.js';
import { meta, type EmulatorContext } from './context.js';
import { defaultFaultBody, errorInfo, GBM_ERRORS, googleError, unauthenticated } from './errors.js';
import { coversBusinessMessages } from './oauth.js';
import { registerAdminRoutes } from './routes-admin.js';
import { registerApiRoutes } from './routes-api.js';
import { registerMediaRoutes } from './routes-media.js';
import { registerOAuthRoutes, TOKEN_PATH } from './routes-oauth.js';
import { UI_HTML } from './ui.js';

const BODY_LIMIT = 16 * 1024 * 1024;
const UI_CSP = "default-src 'self'; img-src * data: blob:; script-src 'unsafe-inline'; style-src 'unsafe-inline'";
const WWW_AUTHENTICATE = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';

export const isApiPath = (path: string): boolean => path.startsWith('/v1/');
const isRecorded = (path: string): boolean => isApiPath(path) || path === TOKEN_PATH;

/** The access token from `Authorization: Bearer …`, or the access_token / oauth_token query parameter. */
function accessToken(req: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (m?.[1] !== undefined) return m[1].trim();
  const q = req.query as Record<string, unknown> | undefined;
  const t = q?.['access_token'] ?? q?.['oauth_token'];
  return typeof t === 'string' && t !== '' ? t : undefined;
}

function redactedQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    out[k] = k === 'access_token' || k === 'oauth_token' ? '<redacted>' : String(v);
  }
  return out;
}

function recordedBody(path: string, body: unknown): unknown {
  if (path !== TOKEN_PATH || typeof body !== 'object' || body === null) return body;
  const { assertion, ...rest } = body as Record<string, unknown>;
  return assertion === undefined ? rest : { ...rest, assertion: '<redacted>' };
}

export function buildApp(ctx: EmulatorContext, logger: Logger | false): FastifyInstance {
  const app = createFastify(logger, { bodyLimit: BODY_LIMIT, forceCloseConnections: true });

  parseJsonStrictly(app, GBM_ERRORS.invalidJson);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'GBM emulator: handler failed');
    return reply.code(status).send(googleError(status, status >= 500 ? GBM_ERRORS.internal : err.message));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(googleError(404, `The requested URL ${pathOf(req.url)} was not found on this server.`)),
  );

  app.addHook('onRequest', async (req) => {
    if (!isApiPath(pathOf(req.url))) return;
    const token = accessToken(req);
    if (token === undefined) return;
    const found = ctx.tokens.lookup(token);
    if (typeof found === 'string') meta(req).tokenProblem = found;
    else meta(req).token = found;
  });

  app.addHook('preHandler', async (req, reply) => {
    const path = pathOf(req.url);
    if (!isRecorded(path)) return undefined;
    const fault = ctx.faults.take(req.method, path);
    if (fault !== undefined) return answerFault(reply, fault, defaultFaultBody, ctx.sender.signal);
    if (!isApiPath(path)) return undefined;
    const m = meta(req);
    if (m.token === undefined) {
      const reason = m.tokenProblem === 'expired' ? 'ACCESS_TOKEN_EXPIRED' : m.tokenProblem === 'unknown' ? 'ACCESS_TOKEN_TYPE_UNSUPPORTED' : 'CREDENTIALS_MISSING';
      return reply.code(401).header('www-authenticate', WWW_AUTHENTICATE).send(unauthenticated(reason));
    }
    if (!coversBusinessMessages(m.token.scopes)) {
      return reply
        .code(403)
        .header('www-authenticate', 'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/businessmessages"')
        .send(googleError(403, GBM_ERRORS.insufficientScopes, [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT')]));
    }
    return undefined;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const path = pathOf(req.url);
    if (!isRecorded(path)) return payload;
    const m = meta(req);
    ctx.recorded.push({
      at: ctx.state.now(),
      method: req.method,
      path,
      query: redactedQuery(req.query),
      ...(m.token === undefined ? {} : { partnerId: m.token.partnerId }),
      headers: redactedHeaders(req, 'Bearer <redacted>'),
      body: recordedBody(path, req.body),
      status: reply.statusCode,
      ...(m.validationErrors === undefined ? {} : { validationErrors: m.validationErrors }),
    });
    return payload;
  });

  registerOAuthRoutes(app, ctx);
  registerApiRoutes(app, ctx);
  registerMediaRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  serveCustomerPage(app, UI_HTML, UI_CSP);
  return app;
}
