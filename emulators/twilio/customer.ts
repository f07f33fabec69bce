/**
 * A WhatsApp user a test or a person plays: each action becomes an inbound Message resource (kept
 * in the account's log, its media served behind Basic auth) and the signed webhook Twilio would
 * POST to the business number's URL. `join <code>` to a Sandbox number also gets the Sandbox's reply.
 */
import type { EmulatorContext } from './context.js';
import { newSid, whatsapp } from './ids.js';
import { inboundParams, type InboundKind } from './inbound.js';
import { mediaUri } from './resources.js';
import type { ConversationEntry, CustomerRecord, StoredMedia } from './state.js';
import type { EmulatedWhatsAppCustomer, ReceivedWhatsApp, WebhookDelivery } from './types.js';
import { deliverForm } from './webhook-sender.js';

export const NO_WEBHOOK_ERROR = 'no webhook URL is set for this number';

interface Outgoing {
  body: string;
  kind: InboundKind;
  media?: Array<{ bytes: Buffer; contentType: string }>;
  repliedToSid?: string;
}

export function joinReply(businessNumber: string, joined: boolean): string {
  return joined
    ? `Twilio Sandbox: ✅ You are all set! The sandbox can now send/receive messages from ${whatsapp(businessNumber)}. Reply stop to leave the sandbox any time.`
    : 'Twilio Sandbox: ⚠️ That join code is not valid for this sandbox. Check the code shown in the Twilio Console and send "join <code>" again.';
}

export function createCustomer(ctx: EmulatorContext, record: CustomerRecord): EmulatedWhatsAppCustomer {
  const { state } = ctx;
  const { accountSid, businessNumber, waNumber } = record;
  const notify = (): void => {
    for (const listener of record.listeners) listener();
  };

  async function send(out: Outgoing): Promise<WebhookDelivery> {
    const number = state.requireNumber(accountSid, businessNumber);
    const account = state.requireAccount(accountSid);
    const now = state.now();
    const items = out.media ?? [];
    const sid = newSid(items.length > 0 ? 'MM' : 'SM');
    const media: StoredMedia[] = items.map((i) => ({ sid: newSid('ME'), contentType: i.contentType, bytes: i.bytes, dateCreated: now }));
    state.addMessage({
      sid,
      accountSid,
      direction: 'inbound',
      from: whatsapp(waNumber),
      to: whatsapp(businessNumber),
      body: out.body,
      media,
      status: 'received',
      statusHistory: ['received'],
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
      mediaUrls: [],
    });
    record.lastInboundAt = now;
    const params = inboundParams({
      accountSid,
      businessNumber,
      waNumber,
      profileName: record.profileName,
      sid,
      body: out.body,
      media: media.map((x) => ({ url: `${ctx.baseUrl}${mediaUri(accountSid, sid, x.sid)}`, contentType: x.contentType })),
      kind: out.kind,
      ...(out.repliedToSid === undefined ? {} : { repliedToSid: out.repliedToSid }),
    });
    const entry: ConversationEntry = { at: now, from: 'customer', sid, params };
    record.conversation.push(entry);
    notify();
    if (number.webhookUrl === undefined || number.webhookUrl === '') {
      entry.delivery = { status: 0, attempts: 0, error: NO_WEBHOOK_ERROR };
      return { status: 0, responseBody: '', params, messageSid: sid, attempts: 0, error: NO_WEBHOOK_ERROR };
    }
    const r = await deliverForm({ url: number.webhookUrl, authToken: account.authToken }, params, ctx.sender, `webhook for ${sid}`);
    entry.delivery = { status: r.status, attempts: r.attempts, ...(r.error === undefined ? {} : { error: r.error }) };
    notify();
    return {
      status: r.status,
      responseBody: r.responseBody,
      params,
      messageSid: sid,
      attempts: r.attempts,
      ...(r.error === undefined ? {} : { error: r.error }),
    };
  }

  /** The Sandbox answers a join itself, straight to the customer. */
  function sandboxReply(text: string): void {
    const now = state.now();
    const sid = newSid('SM');
    state.addMessage({
      sid,
      accountSid,
      direction: 'outbound-reply',
      from: whatsapp(businessNumber),
      to: whatsapp(waNumber),
      body: text,
      media: [],
      status: 'delivered',
      statusHistory: ['queued', 'sent', 'delivered'],
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
      mediaUrls: [],
    });
    record.inbox.push({ at: now, sid, body: text, mediaUrls: [], media: [], via: 'sandbox' });
    record.conversation.push({ at: now, from: 'business', sid, via: 'sandbox' });
    notify();
  }

  return {
    waNumber,
    sendText: (body) => send({ body, kind: { type: 'text' } }),
    sendMedia: (items, body = '') => {
      if (items.length === 0) return Promise.reject(new Error('Twilio emulator: sendMedia needs at least one item'));
      return send({ body, kind: { type: 'media' }, media: items });
    },
    sendLocation: (l) => send({ body: '', kind: { type: 'location', ...l } }),
    sendButton: (payload, text, repliedToSid) =>
      send({ body: text, kind: { type: 'button', payload, text }, ...(repliedToSid === undefined ? {} : { repliedToSid }) }),
    replyTo: (sid, body) => send({ body, kind: { type: 'text' }, repliedToSid: sid }),
    join(code) {
      const sandbox = state.requireNumber(accountSid, businessNumber).sandbox;
      const delivery = send({ body: `join ${code}`, kind: { type: 'text' } });
      if (sandbox !== undefined) {
        const joined = sandbox.joinCode.trim().toLowerCase() === code.trim().toLowerCase();
        if (joined) record.joinedSandbox = true;
        sandboxReply(joinReply(businessNumber, joined));
      }
      return delivery;
    },
    inbox: () => [...record.inbox],
    waitForInbox(count, timeoutMs = 5000) {
      return new Promise<ReceivedWhatsApp[]>((resolve, reject) => {
        const listener = (): void => {
          if (record.inbox.length < count) return;
          cleanup();
          resolve([...record.inbox]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Twilio emulator: ${waNumber} has ${record.inbox.length} of ${count} messages after ${timeoutMs} ms`));
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
