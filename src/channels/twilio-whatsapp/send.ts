/**
 * Sending one WhatsApp message through Twilio's Messages API. Twilio has no idempotency key, so a
 * retry (attempt > 1) first looks for the earlier attempt among the account's recent messages and
 * reports it instead of sending again (see `reconcile`). Never throws: every failure is a
 * SendResult the delivery worker can act on.
 */
import { z } from 'zod';
import type { ChannelClient, OutboundMessage, SendResult } from '../adapter.js';
import type { TwilioCredentials } from './config.js';
import { mapHttpError, mapNetworkError } from './errors.js';
import { createTwilioHttp, readJson, type TwilioClientDeps, type TwilioHttp } from './http.js';
import { downloadTwilioMedia } from './media.js';
import { renderTwilioMessage, TwilioRenderError, type TwilioMessageParams } from './render.js';
import { listTwilioTemplates } from './templates.js';

/**
 * What the delivery worker may add for Twilio: the provider ids of the OTHER messages it already
 * holds for this customer, so a retry never mistakes one of them for its own earlier attempt.
 */
export interface TwilioOutboundMessage extends OutboundMessage {
  /** See OutboundMessage.knownProviderMessageIds. */
  knownProviderMessageIds?: ReadonlyArray<string>;
}

/** How far back a retry looks for its earlier attempt. */
export const RECONCILE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const RECONCILE_PAGE_SIZE = 50;
export const RECONCILE_MAX_PAGES = 5;

/** One client per messaging account: its own credentials and base URLs, frozen, never shared. */
export function createTwilioClient(credentials: TwilioCredentials, deps: TwilioClientDeps): ChannelClient {
  const http = createTwilioHttp(credentials, deps);
  return Object.freeze({
    send: (message, signal) => sendTwilioMessage(http, credentials, message, signal),
    downloadMedia: (providerRef, signal) => downloadTwilioMedia(http, providerRef, signal),
    listTemplates: (signal) => listTwilioTemplates(http, signal),
  } satisfies ChannelClient);
}

const createdSchema = z.object({ sid: z.string().min(1) });

export async function sendTwilioMessage(
  http: TwilioHttp,
  credentials: Pick<TwilioCredentials, 'messagingServiceSid'>,
  message: TwilioOutboundMessage,
  signal?: AbortSignal,
): Promise<SendResult> {
  let params: TwilioMessageParams;
  try {
    params = renderTwilioMessage(message, credentials);
  } catch (err) {
    if (err instanceof TwilioRenderError) return { ok: false, error: { code: 'invalid_request', message: err.message } };
    return { ok: false, error: { code: 'unknown', message: `rendering failed: ${String(err)}` } };
  }

  if ((message.attempt ?? 1) > 1) {
    const earlier = await reconcile(http, params, message, signal);
    if (!earlier.ok) return earlier; // could not look: do not risk a second copy, retry later
    if (earlier.sid) return { ok: true, providerMessageId: earlier.sid };
  }

  let response: Response;
  let body: unknown;
  try {
    response = await http.request(messagesUrl(http), { method: 'POST', form: new URLSearchParams(params) }, signal);
    body = await readJson(response);
  } catch (err) {
    return { ok: false, error: mapNetworkError(err) };
  }
  if (response.ok) {
    const created = createdSchema.safeParse(body);
    return created.success ? { ok: true, providerMessageId: created.data.sid } : { ok: true };
  }
  return { ok: false, error: mapHttpError(response.status, body, response.headers) };
}

function messagesUrl(http: TwilioHttp): string {
  return `${http.apiBase}/2010-04-01/Accounts/${encodeURIComponent(http.accountSid)}/Messages.json`;
}

const listedSchema = z.looseObject({
  sid: z.string(),
  to: z.string().nullish(),
  from: z.string().nullish(),
  body: z.string().nullish(),
  direction: z.string().nullish(),
  num_media: z.union([z.string(), z.number()]).nullish(),
  messaging_service_sid: z.string().nullish(),
  content_sid: z.string().nullish(),
  date_created: z.string().nullish(),
});
type Listed = z.infer<typeof listedSchema>;

const pageSchema = z.object({ messages: z.array(z.unknown()), next_page_uri: z.string().nullish() });

type Reconciled = { ok: true; sid?: string } | Extract<SendResult, { ok: false }>;

/**
 * Did an earlier, unanswered attempt of this message reach Twilio? Lists the account's messages
 * to this customer from this sender sent since yesterday (UTC) and looks for one with the same
 * body (or template) created within the last 24 hours whose sid the caller does not already hold.
 * Two identical messages to one customer inside that window can fool it; see README.
 */
export async function reconcile(
  http: TwilioHttp,
  params: TwilioMessageParams,
  message: TwilioOutboundMessage,
  signal?: AbortSignal,
): Promise<Reconciled> {
  const now = http.now();
  const known = new Set(message.knownProviderMessageIds ?? []);
  const query = new URLSearchParams({ To: params['To'] ?? '' });
  if (params['From']) query.set('From', params['From']);
  query.set('DateSent>', utcDate(now - RECONCILE_WINDOW_MS));
  query.set('PageSize', String(RECONCILE_PAGE_SIZE));

  let url: string | undefined = `${messagesUrl(http)}?${query.toString()}`;
  let best: { sid: string; created: number } | undefined;
  for (let page = 0; url !== undefined && page < RECONCILE_MAX_PAGES; page++) {
    let response: Response;
    let body: unknown;
    try {
      response = await http.request(url, {}, signal);
      body = await readJson(response);
    } catch (err) {
      return { ok: false, error: withContext(mapNetworkError(err)) };
    }
    if (!response.ok) return { ok: false, error: withContext(mapHttpError(response.status, body, response.headers)) };
    const parsed = pageSchema.safeParse(body);
    if (!parsed.success) {
      return { ok: false, error: { code: 'temporary', message: 'checking for an earlier attempt: Twilio answered without a "messages" list' } };
    }
    let older = false;
    for (const item of parsed.data.messages) {
      const m = listedSchema.safeParse(item);
      if (!m.success) continue;
      const created = m.data.date_created ? Date.parse(m.data.date_created) : NaN;
      if (Number.isFinite(created) && created < now - RECONCILE_WINDOW_MS) older = true;
      if (!Number.isFinite(created) || created < now - RECONCILE_WINDOW_MS) continue;
      if (known.has(m.data.sid) || !sameMessage(m.data, params, message)) continue;
      if (!best || created > best.created) best = { sid: m.data.sid, created };
    }
    // Twilio lists newest first: once a page reaches past the window, later pages are older still.
    url = older || !parsed.data.next_page_uri ? undefined : onBase(http.apiBase, parsed.data.next_page_uri);
  }
  return best ? { ok: true, sid: best.sid } : { ok: true };
}

function sameMessage(m: Listed, params: TwilioMessageParams, message: OutboundMessage): boolean {
  if (m.direction && !m.direction.startsWith('outbound')) return false;
  if (!sameAddress(m.to, params['To'])) return false;
  if (params['From'] !== undefined && !sameAddress(m.from, params['From'])) return false;
  if (params['MessagingServiceSid'] !== undefined && m.messaging_service_sid !== params['MessagingServiceSid']) return false;
  const numMedia = m.num_media === null || m.num_media === undefined ? undefined : Number(m.num_media);
  const content = message.content;
  if (content.kind === 'template') {
    if (m.content_sid) return m.content_sid === params['ContentSid'];
    // The Message resource shows a template as its rendered text.
    return (m.body ?? '') === content.text;
  }
  if (numMedia !== undefined && Number.isFinite(numMedia) && numMedia > 0 !== (params['MediaUrl'] !== undefined)) return false;
  return (m.body ?? '') === (params['Body'] ?? '');
}

function sameAddress(a: string | null | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return a.replace(/^whatsapp:/i, '') === b.replace(/^whatsapp:/i, '');
}

/** Twilio's `next_page_uri` (a path) on the configured host. */
function onBase(base: string, uri: string): string | undefined {
  try {
    const u = new URL(uri, 'https://api.twilio.com');
    return `${base}${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

/** `YYYY-MM-DD` of a UTC instant. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function withContext<T extends { message: string }>(error: T): T {
  return { ...error, message: `checking for an earlier attempt before resending: ${error.message}` };
}
