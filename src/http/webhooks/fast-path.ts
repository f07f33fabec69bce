/**
 * Webhooks straight from node:http, ahead of Fastify. They are most of the hub's traffic, and
 * Fastify's per-request work (routing, hooks, the body parser, the reply) was a measurable share
 * of ingest CPU. Only the plain case is taken here: POST to /webhooks/<kind>/<account>[/<hook>]
 * with plain path segments, a Content-Type and a Content-Length within the body limit. Anything
 * else (chunked bodies, odd paths, missing headers, a server that is closing) goes on to Fastify,
 * which answers it as it always did (413, 415, 404, 503...). Both end in the same receiveWebhook.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { headersOf, type ReceiveWebhook, type WebhookAnswer } from './webhook-routes.js';

const ROUTE = /^\/webhooks\/([A-Za-z0-9_.~-]+)\/([A-Za-z0-9_.~-]+)(?:\/([A-Za-z0-9_.~-]+))?\/?(?:\?.*)?$/;

export interface WebhookFastPath {
  /** Takes the request and answers it, or returns false and leaves it untouched. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** From now on every request goes on to Fastify (which refuses them while it closes). */
  close(): void;
}

const INTERNAL: WebhookAnswer = { status: 500, body: { error: { code: 'internal', message: 'An unexpected error occurred; it was logged' } } };

export function webhookFastPath(o: { receive: ReceiveWebhook; bodyLimit: number; clock: Clock; log: Logger }): WebhookFastPath {
  let closing = false;
  let nextId = 0;

  const answer = (res: ServerResponse, a: WebhookAnswer) => {
    const json = typeof a.body !== 'string';
    const payload = json ? JSON.stringify(a.body) : (a.body as string);
    res.writeHead(a.status, {
      'content-type': a.contentType ?? (json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8'),
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  };

  return {
    close() {
      closing = true;
    },
    handle(req, res) {
      if (closing || req.method !== 'POST' || !req.url?.startsWith('/webhooks/')) return false;
      const m = ROUTE.exec(req.url);
      const type = req.headers['content-type'];
      const lengthHeader = req.headers['content-length'];
      if (!m || !type || lengthHeader === undefined || req.headers['transfer-encoding'] !== undefined || req.headers.expect !== undefined) return false;
      const length = Number(lengthHeader);
      if (!Number.isSafeInteger(length) || length < 0 || length > o.bodyLimit) return false;

      const receivedAt = o.clock.now();
      const reqId = `wh-${++nextId}`;
      const body = Buffer.allocUnsafe(length);
      let filled = 0;
      req.on('data', (chunk: Buffer) => {
        // node:http ends the body at Content-Length: more than that never arrives.
        chunk.copy(body, filled);
        filled += chunk.length;
      });
      req.on('end', () => {
        o.receive({
          kind: m[1]!,
          accountId: m[2]!,
          ...(m[3] !== undefined ? { hook: m[3] } : {}),
          path: req.url!,
          headers: headersOf(req.headers),
          body: filled === length ? body : body.subarray(0, filled),
          receivedAt,
          reqId,
        }).then(
          (a) => answer(res, a),
          (err: unknown) => {
            o.log.error({ err, reqId }, 'request failed');
            answer(res, INTERNAL);
          },
        );
      });
      // A client that goes away mid-body gets no answer: nothing was read, so nothing is stored.
      req.on('error', () => undefined);
      return true;
    },
  };
}
