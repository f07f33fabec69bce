/**
 * The Fastify app. Every API call (/2010-04-01/*, /v1/*) passes, in order: an injected fault if one
 * matches, the Basic auth check (and the path's account), the per-account rate limit, then its
 * route, then an `afterCreate` fault if one matches; each is recorded with its final status.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { answerFault, faultDelay, setRetryAfter } from '../shared/faults.js';
import { createFastify, pathOf, redactedHeaders, serveCustomerPage } from '../shared/http.js';
import { meta, queryOf, type EmulatorContext, type RequestMeta } from './context.js';
import { defaultFaultBody, errorBody, TWILIO_ERRORS } from './errors.js';
import { registerAdminRoutes } from './routes-admin.js';
import { registerContentRoutes } from './routes-content.js';
import { registerMessageRoutes } from './routes-messages.js';
import type { FaultSpec } from './types.js';
import { UI_HTML } from './ui.js';

const BODY_LIMIT = 30 * 1024 * 1024;
const UI_CSP = "default-src 'self'; img-src 'self' data: blob:; script-src 'unsafe-inline'; style-src 'unsafe-inline'";
const ACCOUNT_PATH_RE = /^\/2010-04-01\/Accounts\/([^/]+?)(?:\.json)?(?:\/|$)/;

export function isApiPath(path: string): boolean {
  return path.startsWith('/2010-04-01/') || path.startsWith('/v1/');
}

const BASIC_RE = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;
type Credentials = { user: string; password: string } | undefined;
/** Decoded Authorization headers: an API client sends the same one on every call. */
const decodedAuth = new Map<string, Credentials>();
const DECODED_AUTH_MAX = 1024;

function basicAuth(req: FastifyRequest): Credentials {
  const header = req.headers.authorization ?? '';
  if (decodedAuth.has(header)) return decodedAuth.get(header);
  const m = BASIC_RE.exec(header);
  let creds: Credentials;
  if (m?.[1] !== undefined) {
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    creds = colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (decodedAuth.size >= DECODED_AUTH_MAX) decodedAuth.clear();
  decodedAuth.set(header, creds);
  return creds;
}

/** Form bodies: a repeated name (MediaUrl) becomes an array, like Twilio reads them. */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const seen = out[k];
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}

export function buildApp(ctx: EmulatorContext, logger: Logger | false): FastifyInstance {
  const app = createFastify(logger, { bodyLimit: BODY_LIMIT });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(typeof body === 'string' ? body : body.toString('utf8')));
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'Twilio emulator: handler failed');
    if (!isApiPath(pathOf(req.url))) return reply.code(status).send({ message: status >= 500 ? 'internal error' : err.message });
    const body = status >= 500 ? errorBody(status, TWILIO_ERRORS.internal) : errorBody(status, TWILIO_ERRORS.invalidParameter, { detail: err.message });
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = pathOf(req.url);
    return reply.code(404).send(isApiPath(path) ? errorBody(404, TWILIO_ERRORS.notFound, { path }) : { message: `no route for ${req.method} ${path}` });
  });

  // Callback-style hooks (no promise per hook and request); only a fault's answer is async.
  app.addHook('onRequest', (req, _reply, done) => {
    const creds = basicAuth(req);
    if (creds !== undefined) {
      const account = ctx.state.authenticate(creds.user, creds.password);
      if (account !== undefined) meta(req).account = account;
    }
    done();
  });

  app.addHook('preHandler', (req, reply, done) => {
    const path = pathOf(req.url);
    if (!isApiPath(path)) {
      done();
      return undefined;
    }
    const fault = ctx.faults.takeIn(req.method, path, false);
    if (fault !== undefined) return answerFault(reply, fault, (status) => defaultFaultBody(status, path), ctx.sender.signal);
    const m = meta(req);
    if (m.account === undefined) {
      void reply.header('www-authenticate', 'Basic realm="Twilio API"');
      return reply.code(401).send(errorBody(401, TWILIO_ERRORS.auth));
    }
    const pathAccount = ACCOUNT_PATH_RE.exec(path)?.[1];
    if (pathAccount !== undefined && pathAccount !== m.account.accountSid) {
      return reply.code(403).send(errorBody(403, TWILIO_ERRORS.auth));
    }
    if (!ctx.limiter.allow(m.account.accountSid)) {
      void reply.header('retry-after', '1');
      return reply.code(429).send(errorBody(429, TWILIO_ERRORS.tooManyRequests));
    }
    const late = ctx.faults.takeIn(req.method, path, true);
    if (late !== undefined) m.lateFault = late;
    done();
    return undefined;
  });

  const record = (req: FastifyRequest, reply: FastifyReply, path: string, m: RequestMeta): void => {
    ctx.recorded.push({
      at: ctx.state.now(),
      method: req.method,
      path,
      ...(m.account === undefined ? {} : { accountSid: m.account.accountSid }),
      headers: redactedHeaders(req, 'Basic <redacted>'),
      body: req.method === 'GET' || req.method === 'HEAD' ? queryOf(req) : req.body,
      status: reply.statusCode,
      ...(m.validationErrors === undefined ? {} : { validationErrors: m.validationErrors }),
    });
  };

  /** An `afterCreate` fault: its delay, then its status and body in place of the route's answer. */
  const answerLate = async (reply: FastifyReply, path: string, late: FaultSpec, payload: unknown): Promise<unknown> => {
    await faultDelay(late, ctx.sender.signal);
    setRetryAfter(reply, late);
    const keepAnswer = late.body === undefined && late.status >= 200 && late.status < 300; // only slow
    void reply.code(late.status);
    if (keepAnswer) return payload;
    void reply.header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify(late.body ?? defaultFaultBody(late.status, path));
  };

  app.addHook('onSend', (req, reply, payload, done) => {
    const path = pathOf(req.url);
    if (!isApiPath(path)) {
      done(null, payload);
      return;
    }
    const m = meta(req);
    const late = m.lateFault;
    if (late === undefined) {
      record(req, reply, path, m);
      done(null, payload);
      return;
    }
    m.lateFault = undefined;
    answerLate(reply, path, late, payload).then(
      (out) => {
        record(req, reply, path, m);
        done(null, out);
      },
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  });

  registerMessageRoutes(app, ctx);
  registerContentRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  serveCustomerPage(app, UI_HTML, UI_CSP);
  return app;
}
