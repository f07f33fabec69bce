/**
 * The per-account client. The hub is the provider: an agent's message is already stored when
 * the delivery worker calls `send`, and the widget receives it over its WebSocket (and catches up
 * from history) and acknowledges delivery and reading through /webchat/:accountId/receipts. So
 * `send` only confirms, with the message's idempotency key as the provider id; typing and
 * joined/left reach the widget through the event bus, so `sendSignal` has nothing to do.
 */
import type { ChannelClient, ClientDeps } from '../adapter.js';
import type { WebChatCredentials } from './config.js';

export function createWebChatClient(_credentials: WebChatCredentials, _deps: ClientDeps): ChannelClient {
  return Object.freeze({
    send: async (message) => ({ ok: true, providerMessageId: message.idempotencyKey }),
    sendSignal: async () => ({ ok: true }),
  } satisfies ChannelClient);
}
