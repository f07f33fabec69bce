/**
 * Sending one message (`POST /v1/conversations/{id}/messages`) or one conversation event
 * (`POST /v1/conversations/{id}/events?eventId=…`). Our idempotency key is the message id, so a
 * retry of a POST that went through gets 409 ALREADY_EXISTS, which means sent. Never throws: every
 * failure is a SendResult the delivery worker can act on.
 */
import type { ChannelClient, ClientDeps, ConversationSignal, OutboundMessage, SendError, SendResult } from '../adapter.js';
import type { GbmCredentials } from './config.js';
import { mapGoogleError, mapNetworkError } from './errors.js';
import { createGbmHttp, type GbmAnswer, type GbmHttp, type GbmHttpOptions } from './http.js';
import { downloadGbmMedia } from './media.js';
import { GbmRenderError, renderGbmEvent, renderGbmMessages, type GbmEvent, type GbmMessage } from './render.js';
import { GbmTokenError } from './token.js';

/** One client per messaging account: its own service account and base URLs, frozen, never shared. */
export function createGbmClient(credentials: GbmCredentials, deps: ClientDeps, options?: GbmHttpOptions): ChannelClient {
  const http = createGbmHttp(credentials, deps, options);
  return Object.freeze({
    send: (message, signal) => sendGbmMessage(http, message, signal),
    sendSignal: (recipient, signal, idempotencyKey, abort) => sendGbmSignal(http, recipient, signal, idempotencyKey, abort),
    downloadMedia: (providerRef, signal) => downloadGbmMedia(http, providerRef, signal),
  } satisfies ChannelClient);
}

export async function sendGbmMessage(http: GbmHttp, message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
  let bodies: GbmMessage[];
  try {
    bodies = renderGbmMessages(message);
  } catch (err) {
    if (err instanceof GbmRenderError) return { ok: false, error: { code: 'invalid_request', message: err.message } };
    return { ok: false, error: { code: 'unknown', message: `rendering failed: ${String(err)}` } };
  }
  const path = conversationPath(message.recipient, 'messages');
  if (!path) return { ok: false, error: invalidConversation(message.recipient) };

  for (const [i, body] of bodies.entries()) {
    const error = await post(http, path, body, signal);
    if (error) {
      if (i === 0) return { ok: false, error };
      // The image is out; retrying the whole message re-sends only what is missing (409 = already there).
      return { ok: false, error: { ...error, message: `the image was sent but its caption was not: ${error.message}` } };
    }
  }
  return { ok: true, providerMessageId: message.idempotencyKey };
}

export async function sendGbmSignal(
  http: GbmHttp,
  recipient: string,
  signal: ConversationSignal,
  idempotencyKey: string,
  abort?: AbortSignal,
): Promise<SendResult> {
  let event: GbmEvent;
  try {
    event = renderGbmEvent(signal);
  } catch (err) {
    return { ok: false, error: { code: 'invalid_request', message: err instanceof Error ? err.message : String(err) } };
  }
  const path = conversationPath(recipient, 'events');
  if (!path) return { ok: false, error: invalidConversation(recipient) };
  const error = await post(http, `${path}?eventId=${encodeURIComponent(idempotencyKey)}`, event, abort);
  return error ? { ok: false, error } : { ok: true, providerMessageId: idempotencyKey };
}

/** undefined when Google accepted the body now or earlier (409 ALREADY_EXISTS), the error otherwise. */
async function post(http: GbmHttp, path: string, json: unknown, signal: AbortSignal | undefined): Promise<SendError | undefined> {
  let answer: GbmAnswer;
  try {
    answer = await http.call('POST', path, json, signal);
  } catch (err) {
    return err instanceof GbmTokenError ? err.error : mapNetworkError(err);
  }
  if (answer.ok) return undefined;
  const error = mapGoogleError(answer.status, answer.body, answer.headers);
  // Ids are our idempotency keys: an existing one can only be this same message, sent by an earlier try.
  return error.code === 'duplicate' ? undefined : error;
}

function conversationPath(conversationId: string, collection: 'messages' | 'events'): string | undefined {
  const id = conversationId.trim();
  if (id.length === 0 || id.includes('/')) return undefined;
  return `/v1/conversations/${encodeURIComponent(id)}/${collection}`;
}

function invalidConversation(recipient: string): SendError {
  return { code: 'invalid_recipient', message: `"${recipient}" is not a Business Messages conversation id` };
}
