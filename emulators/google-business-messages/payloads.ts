/**
 * Webhook payloads exactly as Business Messages sends them (protocols/gbm/bm-test-framework-payloads),
 * keys in the same order. Pure: ids and times are passed in.
 */
import { rfc3339 } from './ids.js';

export type Payload = Record<string, unknown>;

export interface PayloadSource {
  brandId: string;
  agentId: string;
  customAgentId: string;
  conversationId: string;
}
export interface UserContext {
  entryPoint: string;
  placeId?: string;
  displayName: string;
  userDeviceLocale: string;
  resolvedLocale: string;
}

export const messageName = (conversationId: string, messageId: string): string => `conversations/${conversationId}/messages/${messageId}`;

function head(src: PayloadSource): Payload {
  return { agent: `brands/${src.brandId}/agents/${src.agentId}`, conversationId: src.conversationId, customAgentId: src.customAgentId };
}

function context(c: UserContext): Payload {
  return {
    entryPoint: c.entryPoint,
    ...(c.placeId === undefined ? {} : { placeId: c.placeId }),
    resolvedLocale: c.resolvedLocale,
    userInfo: { displayName: c.displayName, userDeviceLocale: c.userDeviceLocale },
  };
}

/** text-message.json; an image is the same with the signed URL as `text` (image-message.json). */
export function messagePayload(src: PayloadSource, ctx: UserContext, requestId: string, messageId: string, text: string, now: number): Payload {
  return {
    ...head(src),
    requestId,
    message: { messageId, name: messageName(src.conversationId, messageId), text, createTime: rfc3339(now) },
    context: context(ctx),
    sendTime: rfc3339(now),
  };
}

/** suggestion-message.json. */
export function suggestionPayload(
  src: PayloadSource,
  ctx: UserContext,
  requestId: string,
  r: { messageId: string; postbackData: string; text: string; suggestionType: 'REPLY' | 'ACTION' },
  now: number,
): Payload {
  return {
    ...head(src),
    requestId,
    suggestionResponse: {
      message: messageName(src.conversationId, r.messageId),
      postbackData: r.postbackData,
      createTime: rfc3339(now),
      text: r.text,
      suggestionType: r.suggestionType,
    },
    context: context(ctx),
    sendTime: rfc3339(now),
  };
}

/** event-receive.json: one status per event (isTyping, or requestedLiveAgent). */
export function userStatusPayload(src: PayloadSource, requestId: string, status: { isTyping: boolean } | { requestedLiveAgent: true }, now: number): Payload {
  return {
    agent: `brands/${src.brandId}/agents/${src.agentId}`,
    requestId,
    conversationId: src.conversationId,
    customAgentId: src.customAgentId,
    sendTime: rfc3339(now),
    userStatus: { ...status, createTime: rfc3339(now) },
  };
}

/** user-receipt.json (DELIVERED) and read-receipt.json (READ): no requestId, no context. */
export function receiptsPayload(src: PayloadSource, receiptType: 'DELIVERED' | 'READ', messageIds: string[], now: number): Payload {
  return {
    ...head(src),
    sendTime: rfc3339(now),
    receipts: {
      receipts: messageIds.map((id) => ({ message: messageName(src.conversationId, id), receiptType })),
      createTime: rfc3339(now),
    },
  };
}
