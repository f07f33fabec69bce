/**
 * POST /webhooks/:kind/:accountId — one route for every channel. The raw body is kept as bytes
 * for the signature check; nothing is stored unless the signature is proven; the provider gets
 * its 2xx only after the events are committed. `receiveWebhook` is the whole of it, free of the
 * HTTP framework: the Fastify route below and the server's fast path (fast-path.ts) both call it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WebhookParseError, type ChannelAdapter, type RawWebhook } from '../../channels/adapter.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { IngestService } from '../../services/ingest.js';
import type { Metrics } from '../../services/metrics.js';
import { isStoreUnavailable } from '../errors.js';

export interface WebhookAccount {
  id: string;
  kind: string;
  credentials: unknown;
}

export interface WebhookDeps {
  publicUrl: string;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  ingest: IngestService;
  resolveAccount: (id: string) => Promise<WebhookAccount | undefined>;
  markVerified: (accountId: string) => Promise<void>;
  adapterFor: (kind: string) => ChannelAdapter<unknown, unknown> | undefined;
}

/** A webhook as it arrived: the route's parameters, the path with its query, headers and bytes. */
export interface WebhookCall {
  kind: string;
  accountId: string;
  hook?: string;
  /** The request's path and query, as sent (the signed URL is the public URL + this). */
  path: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
  receivedAt: number;
  reqId: string;
}

export interface WebhookAnswer {
  status: number;
  /** Set for an acknowledgement a channel wants typed; an error's body is JSON. */
  contentType?: string;
  body: string | { error: { code: string; message: string } };
}

export function headersOf(h: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export type ReceiveWebhook = (call: WebhookCall) => Promise<WebhookAnswer>;

export function webhookReceiver(d: WebhookDeps): ReceiveWebhook {
  return async ({ kind, accountId, hook, path, headers, body, receivedAt, reqId }) => {
    const reject = (status: number, code: string, reason: string, message: string): WebhookAnswer => {
      // The kind comes from the URL: only known kinds become label values (bounded cardinality).
      d.metrics.webhooksRejected.inc({ channel: d.adapterFor(kind) ? kind : 'unknown', reason });
      return { status, body: { error: { code, message } } };
    };
    const adapter = d.adapterFor(kind);
    let account: WebhookAccount | undefined;
    try {
      account = adapter ? await d.resolveAccount(accountId) : undefined;
    } catch (err) {
      if (isStoreUnavailable(err)) return reject(503, 'unavailable', 'store_unavailable', 'The store is unavailable; retry later');
      throw err;
    }
    if (!adapter || !account || account.kind !== kind) {
      return reject(404, 'not_found', 'unknown_account', `No ${kind} messaging account ${accountId}`);
    }
    if (hook !== undefined && !knownHooks(adapter).has(`/${hook}`)) {
      return reject(404, 'not_found', 'unknown_hook', `No webhook /${hook} for ${kind}`);
    }
    const raw: RawWebhook = { url: d.publicUrl + path, headers, body };
    const handshake = adapter.handshake?.(raw, account.credentials);
    if (handshake?.handled) {
      if (!handshake.ok) return reject(handshake.ack.status, 'invalid_signature', 'handshake', 'The verification token does not match');
      await d.markVerified(account.id);
      return { status: handshake.ack.status, body: handshake.ack.body ?? '', ...(handshake.ack.contentType ? { contentType: handshake.ack.contentType } : {}) };
    }
    const verdict = adapter.verify(raw, account.credentials);
    if (!verdict.ok) return reject(verdict.status, 'invalid_signature', 'signature', verdict.reason);
    let events;
    try {
      events = adapter.parse(raw);
    } catch (err) {
      if (err instanceof WebhookParseError) return reject(400, 'bad_request', 'malformed', err.message);
      throw err;
    }
    try {
      await d.ingest.submit({ id: account.id, kind }, events, receivedAt);
    } catch (err) {
      if (isStoreUnavailable(err)) return reject(503, 'unavailable', 'store_unavailable', 'The store is unavailable; nothing was stored. Retry later.');
      d.log.error({ err, accountId, reqId }, 'storing webhook events failed');
      return reject(500, 'internal', 'store_failed', 'The events could not be stored; retry later');
    }
    d.metrics.webhooksReceived.inc({ channel: kind });
    const ack = adapter.webhookAck ?? { status: 200 };
    return { status: ack.status, body: ack.body ?? '', ...(ack.contentType ? { contentType: ack.contentType } : {}) };
  };
}

export async function webhookRoutes(app: FastifyInstance, d: { receive: ReceiveWebhook; clock: Clock }): Promise<void> {
  // Webhooks are signed over their exact bytes: no parser may touch them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // No per-request child logger (a pino child per webhook was a measurable share of ingest CPU):
  // the one line a webhook may log names its request id itself.
  app.setChildLoggerFactory((logger) => logger);

  const handler = async (req: FastifyRequest<{ Params: { kind: string; accountId: string; hook?: string } }>, reply: FastifyReply) => {
    const answer = await d.receive({
      ...req.params,
      path: req.url,
      headers: headersOf(req.headers),
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      receivedAt: d.clock.now(),
      reqId: req.id,
    });
    if (answer.contentType) void reply.type(answer.contentType);
    return reply.code(answer.status).send(answer.body);
  };
  app.post('/webhooks/:kind/:accountId', handler);
  // Extra hooks a channel declares (e.g. Twilio's status callbacks at …/status).
  app.post('/webhooks/:kind/:accountId/:hook', handler);
}

function knownHooks(adapter: ChannelAdapter<unknown, unknown>): Set<string> {
  return new Set([...Object.values(adapter.extraCallbacks ?? {}), ...(adapter.statusCallbackPath ? [adapter.statusCallbackPath] : [])]);
}
