/** A LINE user a test or a person plays: each action builds the webhook event LINE would send. */
import { followEvent, messageEvent, postbackEvent, unfollowEvent, unsendEvent, type MessageContent, type WebhookEvent } from './events.js';
import { newMessageId } from './ids.js';
import type { MediaKind, MediaStore } from './media.js';
import type { ConversationEntry, CustomerRecord, EmulatorState } from './state.js';
import type { EmulatedCustomer, ReceivedMessage, WebhookDelivery } from './types.js';
import { deliverEvent, type SenderOptions } from './webhook-sender.js';

export interface CustomerDeps {
  state: EmulatorState;
  media: MediaStore;
  sender: SenderOptions;
}

export const NO_WEBHOOK_ERROR = 'no webhook URL is set for this channel';

export function createCustomer(deps: CustomerDeps, record: CustomerRecord): EmulatedCustomer {
  const { state, media } = deps;
  const { channelId, userId } = record;

  async function send(event: WebhookEvent, ids: { messageId?: string; replyToken?: string }): Promise<WebhookDelivery> {
    const ch = state.requireChannel(channelId);
    const entry: ConversationEntry = { at: state.now(), from: 'customer', message: event, messageId: ids.messageId };
    record.conversation.push(entry);
    if (ch.webhookUrl === undefined || ch.webhookUrl === '') {
      entry.delivery = { status: 0, attempts: 0, error: NO_WEBHOOK_ERROR };
      return { status: 0, responseBody: '', event, attempts: 0, ...ids, error: NO_WEBHOOK_ERROR };
    }
    const target = { url: ch.webhookUrl, channelSecret: ch.channelSecret, destination: ch.botUserId };
    const r = await deliverEvent(target, event, deps.sender);
    entry.delivery = { status: r.status, attempts: r.attempts, ...(r.error === undefined ? {} : { error: r.error }) };
    const out: WebhookDelivery = { status: r.status, responseBody: r.responseBody, event: r.event, attempts: r.attempts, ...ids };
    if (r.error !== undefined) out.error = r.error;
    return out;
  }

  /** A message event with a fresh id and reply token; `build` adds the type-specific fields. */
  function sendMessage(build: (id: string) => MessageContent): Promise<WebhookDelivery> {
    const messageId = newMessageId();
    const replyToken = state.issueReplyToken(channelId, userId);
    return send(messageEvent(userId, state.now(), replyToken, build(messageId)), { messageId, replyToken });
  }

  function sendMedia(kind: MediaKind, bytes: Buffer, contentType: string, extra: (id: string) => Record<string, unknown>, fileName?: string): Promise<WebhookDelivery> {
    return sendMessage((id) => {
      media.put({ messageId: id, channelId, kind, contentType, bytes, ...(fileName === undefined ? {} : { fileName }) });
      return { type: kind, id, ...extra(id) };
    });
  }

  const withReplyToken = (build: (replyToken: string) => WebhookEvent): Promise<WebhookDelivery> => {
    const replyToken = state.issueReplyToken(channelId, userId);
    return send(build(replyToken), { replyToken });
  };

  return {
    userId,
    sendText(text, opts) {
      return sendMessage((id) => {
        const quoted = opts?.quoteToken === undefined ? undefined : state.messageIdForQuoteToken(opts.quoteToken);
        return { type: 'text', id, quoteToken: state.newQuoteToken(id), text, ...(quoted === undefined ? {} : { quotedMessageId: quoted }) };
      });
    },
    sendImage(bytes, contentType = 'image/jpeg') {
      return sendMedia('image', bytes, contentType, (id) => ({ quoteToken: state.newQuoteToken(id), contentProvider: { type: 'line' } }));
    },
    sendVideo(bytes, durationMs = 1000) {
      return sendMedia('video', bytes, 'video/mp4', (id) => ({
        quoteToken: state.newQuoteToken(id),
        duration: durationMs,
        contentProvider: { type: 'line' },
      }));
    },
    sendAudio(bytes, durationMs = 1000) {
      return sendMedia('audio', bytes, 'audio/x-m4a', () => ({ duration: durationMs, contentProvider: { type: 'line' } }));
    },
    sendFile(bytes, fileName) {
      return sendMedia('file', bytes, 'application/octet-stream', () => ({ fileName, fileSize: bytes.length }), fileName);
    },
    sendLocation(l) {
      return sendMessage((id) => ({
        type: 'location',
        id,
        ...(l.title === undefined ? {} : { title: l.title }),
        ...(l.address === undefined ? {} : { address: l.address }),
        latitude: l.latitude,
        longitude: l.longitude,
      }));
    },
    sendSticker(packageId, stickerId) {
      return sendMessage((id) => ({
        type: 'sticker',
        id,
        quoteToken: state.newQuoteToken(id),
        stickerId,
        packageId,
        stickerResourceType: 'STATIC',
      }));
    },
    follow() {
      const isUnblocked = record.blockedBefore;
      record.following = true;
      return withReplyToken((t) => followEvent(userId, state.now(), t, isUnblocked));
    },
    unfollow() {
      record.following = false;
      record.blockedBefore = true;
      return send(unfollowEvent(userId, state.now()), {});
    },
    postback(data) {
      return withReplyToken((t) => postbackEvent(userId, state.now(), t, data));
    },
    unsend(messageId) {
      return send(unsendEvent(userId, state.now(), messageId), { messageId });
    },
    inbox: () => [...record.inbox],
    waitForInbox(count, timeoutMs = 5000) {
      return new Promise<ReceivedMessage[]>((resolve, reject) => {
        const listener = (): void => {
          if (record.inbox.length < count) return;
          cleanup();
          resolve([...record.inbox]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`LINE emulator: ${userId} has ${record.inbox.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          record.listeners.delete(listener);
        };
        record.listeners.add(listener);
        listener();
      });
    },
  };
}
