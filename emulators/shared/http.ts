/**
 * Fastify plumbing every emulator's server.ts repeats: the app itself, strict JSON bodies, the
 * path of a URL, recorded headers without credentials, the customer page routes, per-request
 * state, and listening.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** The URL without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The request's headers as strings (repeated ones joined), `authorization` replaced by `redacted`. */
export function redactedHeaders(req: FastifyRequest, redacted: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = k === 'authorization' ? redacted : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** A pino Logger makes Fastify's logger generic `Logger`; routes only need the base logger type. */
export function createFastify(logger: Logger | false, common: { bodyLimit: number; forceCloseConnections?: boolean }): FastifyInstance {
  return logger === false ? Fastify({ ...common, logger: false }) : (Fastify({ ...common, loggerInstance: logger }) as unknown as FastifyInstance);
}

/** JSON bodies parsed strictly: an empty body is undefined, malformed JSON a 400 with `invalidJsonMessage`. */
export function parseJsonStrictly(app: FastifyInstance, invalidJsonMessage: string): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(Object.assign(new Error(invalidJsonMessage), { statusCode: 400 }), undefined);
    }
  });
}

/** The customer page at `/` and `/_emulator/ui`, with its Content-Security-Policy. */
export function serveCustomerPage(app: FastifyInstance, html: string, csp: string): void {
  for (const path of ['/', '/_emulator/ui']) {
    app.get(path, async (_req, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', csp).send(html));
  }
}

/** Listens on `host` (default 127.0.0.1) and `port` (default 0: a random one) and answers the base URL. */
export async function listen(app: FastifyInstance, host = '127.0.0.1', port = 0): Promise<string> {
  await app.listen({ host, port });
  const addr = app.server.address() as AddressInfo;
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

/** Per-request state kept beside Fastify's request: the accessor makes it with `initial()` on first use. */
export function requestMeta<M extends object>(initial: () => M): (req: FastifyRequest) => M {
  const metas = new WeakMap<FastifyRequest, M>();
  return (req) => {
    let m = metas.get(req);
    if (m === undefined) {
      m = initial();
      metas.set(req, m);
    }
    return m;
  };
}
