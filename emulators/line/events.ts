/** Webhook event objects exactly as webhook.yml describes them (pure; ids and clock passed in). */
import { newWebhookEventId } from './ids.js';

export type WebhookEvent = Record<string, unknown>;
export type MessageContent = Record<string, unknown> & { id: string; type: string };

/** Common fields in the order LINE sends them; `middle` holds the type-specific ones. */
function event(type: string, userId: string, now: number, middle: Record<string, unknown>, replyToken?: string): WebhookEvent {
  return {
    type,
    ...middle,
    webhookEventId: newWebhookEventId(now),
    deliveryContext: { isRedelivery: false },
    timestamp: now,
    source: { type: 'user', userId },
    ...(replyToken === undefined ? {} : { replyToken }),
    mode: 'active',
  };
}

export function messageEvent(userId: string, now: number, replyToken: string, message: MessageContent): WebhookEvent {
  return event('message', userId, now, { message }, replyToken);
}

export function followEvent(userId: string, now: number, replyToken: string, isUnblocked: boolean): WebhookEvent {
  return event('follow', userId, now, { follow: { isUnblocked } }, replyToken);
}

export function unfollowEvent(userId: string, now: number): WebhookEvent {
  return event('unfollow', userId, now, {});
}

export function postbackEvent(userId: string, now: number, replyToken: string, data: string): WebhookEvent {
  return event('postback', userId, now, { postback: { data } }, replyToken);
}

export function unsendEvent(userId: string, now: number, messageId: string): WebhookEvent {
  return event('unsend', userId, now, { unsend: { messageId } });
}

/** The same event marked as a redelivery. */
export function asRedelivery(e: WebhookEvent): WebhookEvent {
  return { ...e, deliveryContext: { isRedelivery: true } };
}

/** The exact bytes POSTed: `{"destination":..., "events":[...]}`. */
export function callbackBody(destination: string, events: WebhookEvent[]): Buffer {
  return Buffer.from(JSON.stringify({ destination, events }), 'utf8');
}
