/**
 * Sending one message: reply with a fresh reply token (free), otherwise push with
 * X-Line-Retry-Key so a retried push is never delivered twice. Never throws: every failure is a
 * SendResult the delivery worker can act on.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChannelClient, ClientDeps, OutboundMessage, SendResult } from '../adapter.js';
import type { LineCredentials } from './config.js';
import { mapHttpError, mapNetworkError } from './errors.js';
import { createLineHttp, readJson, type LineHttp } from './http.js';
import { downloadLineMedia } from './media.js';
import { fetchLineProfile } from './profile.js';
import { LineRenderError, renderLineMessages, type LineMessage } from './render.js';

const sentSchema = z.object({ sentMessages: z.array(z.object({ id: z.string() })).optional() });

/** One client per messaging account: its own token and base URLs, frozen, never shared. */
export function createLineClient(credentials: LineCredentials, deps: ClientDeps): ChannelClient {
  const http = createLineHttp(credentials, deps);
  return Object.freeze({
    send: (message, signal) => sendLineMessage(http, message, signal),
    fetchProfile: (userId, signal) => fetchLineProfile(http, userId, signal),
    downloadMedia: (providerRef, signal) => downloadLineMedia(http, providerRef, signal),
  } satisfies ChannelClient);
}

type Attempt =
  | { network: false; ok: boolean; status: number; body: unknown; headers: Headers }
  | { network: true; error: unknown };

export async function sendLineMessage(http: LineHttp, message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
  let messages: LineMessage[];
  try {
    messages = renderLineMessages(message.content, message.mediaUrl);
  } catch (err) {
    if (err instanceof LineRenderError) return { ok: false, error: { code: 'invalid_request', message: err.message } };
    return { ok: false, error: { code: 'unknown', message: `rendering failed: ${String(err)}` } };
  }

  let replyTokenSpent = false;
  if (message.replyToken) {
    const reply = await post(http, '/v2/bot/message/reply', { replyToken: message.replyToken, messages }, {}, signal);
    if (reply.network) return { ok: false, error: mapNetworkError(reply.error) };
    if (reply.ok) return { ok: true, providerMessageId: firstSentId(reply.body), usedReplyToken: true };
    if (!isReplyTokenRefusal(reply.status, reply.body)) {
      return { ok: false, error: mapHttpError(reply.status, reply.body, reply.headers) };
    }
    replyTokenSpent = true; // expired or already used: push instead, in this same call
  }

  const push = await post(
    http,
    '/v2/bot/message/push',
    { to: message.recipient, messages },
    { 'x-line-retry-key': retryKeyOf(message.idempotencyKey) },
    signal,
  );
  const spent = replyTokenSpent ? { replyTokenSpent: true } : {};
  if (push.network) return { ok: false, error: mapNetworkError(push.error), ...spent };
  if (push.ok) return { ok: true, providerMessageId: firstSentId(push.body), usedReplyToken: false };
  if (push.status === 409) {
    // Accepted earlier under this retry key: the message is out, do not send it again.
    const id = firstSentId(push.body) ?? push.headers.get('x-line-accepted-request-id') ?? undefined;
    return { ok: true, providerMessageId: id, usedReplyToken: false };
  }
  return { ok: false, error: mapHttpError(push.status, push.body, push.headers), ...spent };
}

async function post(
  http: LineHttp,
  path: string,
  json: unknown,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<Attempt> {
  try {
    const response = await http.request(`${http.apiBase}${path}`, { method: 'POST', json, headers }, signal);
    const body = await readJson(response);
    return { network: false, ok: response.ok, status: response.status, body, headers: response.headers };
  } catch (err) {
    return { network: true, error: err };
  }
}

function firstSentId(body: unknown): string | undefined {
  const parsed = sentSchema.safeParse(body);
  return parsed.success ? parsed.data.sentMessages?.[0]?.id : undefined;
}

/** LINE answers 400 "Invalid reply token" for an expired, used or unknown token. */
export function isReplyTokenRefusal(status: number, body: unknown): boolean {
  if (status < 400 || status > 499 || status === 401 || status === 403 || status === 429) return false;
  const parsed = z
    .object({ message: z.string().optional(), details: z.array(z.object({ property: z.string().optional() })).optional() })
    .safeParse(body);
  if (!parsed.success) return false;
  return /reply ?token/i.test(parsed.data.message ?? '') || (parsed.data.details ?? []).some((d) => d.property === 'replyToken');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** LINE requires a UUID retry key; ours are UUIDs, anything else maps to a stable UUID-shaped digest. */
export function retryKeyOf(idempotencyKey: string): string {
  if (UUID.test(idempotencyKey)) return idempotencyKey.toLowerCase();
  const h = createHash('sha256').update(idempotencyKey).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
