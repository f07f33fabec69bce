/** Customer → hub: the webhook parameters Twilio sends for WhatsApp, retries, and inbound media. */
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from './index.js';
import { ACCOUNT, basic, BUSINESS, OTHER_ACCOUNT, startTestHub, type TestHub } from './test-hub.js';

let emu: TwilioEmulator;
let hub: TestHub;
const WA = '+447700900123';

beforeAll(async () => {
  emu = await startTwilioEmulator({ webhookRetryDelayMs: 5, statusDelaysMs: { sent: 1, delivered: 2, read: 3 } });
  hub = await startTestHub();
  emu.addAccount(ACCOUNT);
  emu.addAccount(OTHER_ACCOUNT);
  emu.addNumber({ accountSid: ACCOUNT.accountSid, number: BUSINESS, webhookUrl: hub.url });
});
afterEach(() => {
  hub.respondWith([]);
  emu.setWebhookUrl(ACCOUNT.accountSid, BUSINESS, hub.url);
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

describe('inbound webhooks', () => {
  it('sends a text with exactly Twilio\'s WhatsApp parameters', async () => {
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, WA, 'Grace');
    const d = await c.sendText('Where is my parcel?');
    expect(d.messageSid).toMatch(/^SM[0-9a-f]{32}$/);
    const w = hub.webhooks().at(-1);
    expect(w?.params).toEqual({
      SmsMessageSid: d.messageSid,
      NumMedia: '0',
      ProfileName: 'Grace',
      MessageType: 'text',
      SmsSid: d.messageSid,
      WaId: '447700900123',
      SmsStatus: 'received',
      Body: 'Where is my parcel?',
      To: `whatsapp:${BUSINESS}`,
      NumSegments: '1',
      ReferralNumMedia: '0',
      MessageSid: d.messageSid,
      AccountSid: ACCOUNT.accountSid,
      From: `whatsapp:${WA}`,
      ApiVersion: '2010-04-01',
      ChannelMetadata: JSON.stringify({ type: 'whatsapp', data: { context: { ProfileName: 'Grace', WaId: '447700900123' } } }),
    });
    expect(d.params).toEqual(w?.params);
    expect(w?.headers['i-twilio-idempotency-token']).toBeTypeOf('string');
  });

  it('sends media as MediaUrlN / MediaContentTypeN served behind Basic auth', async () => {
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, WA);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const d = await c.sendMedia([{ bytes: jpeg, contentType: 'image/jpeg' }, { bytes: Buffer.from('%PDF'), contentType: 'application/pdf' }], 'two files');
    expect(d.messageSid).toMatch(/^MM/);
    expect(d.params).toMatchObject({ NumMedia: '2', MessageType: 'image', Body: 'two files', MediaContentType0: 'image/jpeg', MediaContentType1: 'application/pdf' });
    const url = d.params['MediaUrl0'] ?? '';
    expect(url).toMatch(new RegExp(`^${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${d.messageSid}/Media/ME[0-9a-f]{32}$`));

    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: basic(OTHER_ACCOUNT.accountSid, OTHER_ACCOUNT.authToken) } })).status).toBe(403);
    const res = await fetch(url, { headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(jpeg);
    const meta = await fetch(`${url}.json`, { headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) } });
    expect(await meta.json()).toMatchObject({ content_type: 'image/jpeg', parent_sid: d.messageSid, account_sid: ACCOUNT.accountSid });
  });

  it('sends locations, button presses and quoted replies', async () => {
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, WA);
    const loc = await c.sendLocation({ latitude: 51.5072, longitude: -0.1276, address: '10 Downing St', label: 'Office' });
    expect(loc.params).toMatchObject({ MessageType: 'location', Latitude: '51.5072', Longitude: '-0.1276', Address: '10 Downing St', Label: 'Office', Body: '', NumMedia: '0' });

    const templateSid = `SM${'7'.repeat(32)}`;
    const btn = await c.sendButton('CONFIRM_42', 'Yes, confirm', templateSid);
    expect(btn.params).toMatchObject({
      MessageType: 'button',
      ButtonPayload: 'CONFIRM_42',
      ButtonText: 'Yes, confirm',
      Body: 'Yes, confirm',
      OriginalRepliedMessageSid: templateSid,
      OriginalRepliedMessageSender: `whatsapp:${BUSINESS}`,
    });
    const reply = await c.replyTo(templateSid, 'About this one…');
    expect(reply.params).toMatchObject({ MessageType: 'text', Body: 'About this one…', OriginalRepliedMessageSid: templateSid });
    for (const d of [loc, btn, reply]) {
      const w = hub.webhooks().find((x) => x.params['MessageSid'] === d.messageSid);
      expect(twilio.validateRequest(ACCOUNT.authToken, String(w?.headers['x-twilio-signature']), w?.url ?? '', w?.params ?? {})).toBe(true);
    }
  });

  it('retries a failed webhook with the same parameters and idempotency token', async () => {
    hub.respondWith([503, 500]);
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, WA);
    const d = await c.sendText('retry me');
    expect(d).toMatchObject({ status: 200, attempts: 3 });
    const tries = hub.webhooks().filter((x) => x.params['MessageSid'] === d.messageSid);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((x) => x.headers['i-twilio-idempotency-token'])).size).toBe(1);
    expect(new Set(tries.map((x) => x.raw)).size).toBe(1);
  });

  it('gives up after the attempts and reports connection failures and a missing URL', async () => {
    emu.setWebhookUrl(ACCOUNT.accountSid, BUSINESS, 'http://127.0.0.1:1/nothing');
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, WA);
    const d = await c.sendText('anyone?');
    expect(d).toMatchObject({ status: 0, attempts: 3 });
    expect(d.error).toBeTypeOf('string');

    emu.addNumber({ accountSid: ACCOUNT.accountSid, number: '+14155550100' });
    const none = await emu.customer(ACCOUNT.accountSid, '+14155550100', WA).sendText('hello?');
    expect(none).toMatchObject({ status: 0, attempts: 0, error: 'no webhook URL is set for this number' });
  });

  it('keeps inbound messages in the account\'s message log', async () => {
    const d = await emu.customer(ACCOUNT.accountSid, BUSINESS, WA).sendText('log me');
    const res = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${d.messageSid}.json`, {
      headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) },
    });
    expect(await res.json()).toMatchObject({ direction: 'inbound', status: 'received', body: 'log me', from: `whatsapp:${WA}`, to: `whatsapp:${BUSINESS}` });
  });

  it('opens the 24-hour window: a reply right after an inbound message is delivered', async () => {
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, WA);
    const before = c.inbox().length;
    await c.sendText('window please');
    const res = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${WA}`, Body: 'Sure' }),
    });
    expect(res.status).toBe(201);
    const inbox = await c.waitForInbox(before + 1);
    expect(inbox.at(-1)).toMatchObject({ body: 'Sure' });
  });
});
