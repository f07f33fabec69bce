/**
 * After the create call: signed status callbacks in order, the 24-hour window, templates, the
 * Sandbox, fetching MediaUrls, and injected delivery failures.
 */
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from './index.js';
import { ACCOUNT, basic, BUSINESS, SANDBOX, startTestHub, type ReceivedPost, type TestHub } from './test-hub.js';

let clock = Date.UTC(2025, 0, 6, 9, 0, 0);
let emu: TwilioEmulator;
let hub: TestHub;
let seq = 0;
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  emu = await startTwilioEmulator({ now: () => clock, statusDelaysMs: { sent: 10, delivered: 20, read: 30 }, webhookRetryDelayMs: 5 });
  hub = await startTestHub();
  emu.addAccount(ACCOUNT);
  emu.addNumber({ accountSid: ACCOUNT.accountSid, number: BUSINESS, webhookUrl: hub.url, statusCallbackUrl: hub.statusUrl });
  emu.addNumber({ accountSid: ACCOUNT.accountSid, number: SANDBOX, webhookUrl: hub.url, statusCallbackUrl: hub.statusUrl, sandbox: { joinCode: 'purple-tiger' } });
});
afterEach(() => hub.respondWith([]));
afterAll(async () => {
  await emu.close();
  await hub.close();
});

/** A fresh customer number for each test. */
function nextCustomer(): string {
  seq += 1;
  return `+1555200${String(seq).padStart(4, '0')}`;
}

async function send(form: Record<string, string | string[]>): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const res = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken), 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The status callbacks for one message once it reached `last`. */
async function callbacksUntil(sid: string, last: string): Promise<ReceivedPost[]> {
  await hub.waitFor((r) => r.some((x) => x.params['MessageSid'] === sid && x.params['MessageStatus'] === last));
  return hub.callbacks().filter((x) => x.params['MessageSid'] === sid);
}

describe('status callbacks', () => {
  it('reuse keep-alive connections: messages one after another need no new one', async () => {
    const to = nextCustomer();
    await emu.customer(ACCOUNT.accountSid, BUSINESS, to).sendText('hi');
    const before = hub.connections();
    for (let i = 0; i < 3; i++) {
      const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: `one after another ${i}` });
      expect(await callbacksUntil(String(r.json['sid']), 'read')).toHaveLength(4);
    }
    expect(hub.connections() - before).toBeLessThanOrEqual(1);
  });

  it('go queued → sent → delivered → read, signed, with Twilio\'s parameters', async () => {
    const to = nextCustomer();
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, to, 'Dana');
    await c.sendText('hello');
    const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'Hi Dana' });
    expect(r.status).toBe(201);
    const sid = String(r.json['sid']);
    const cbs = await callbacksUntil(sid, 'read');
    expect(cbs.map((x) => x.params['MessageStatus'])).toEqual(['queued', 'sent', 'delivered', 'read']);
    for (const cb of cbs) {
      expect(twilio.validateRequest(ACCOUNT.authToken, String(cb.headers['x-twilio-signature']), cb.url, cb.params)).toBe(true);
      expect(cb.headers['i-twilio-idempotency-token']).toBeTypeOf('string');
      expect(cb.params).toMatchObject({
        MessageSid: sid,
        SmsSid: sid,
        AccountSid: ACCOUNT.accountSid,
        From: `whatsapp:${BUSINESS}`,
        To: `whatsapp:${to}`,
        ApiVersion: '2010-04-01',
        ChannelPrefix: 'whatsapp',
        SmsStatus: cb.params['MessageStatus'],
      });
      expect(cb.params['ErrorCode']).toBeUndefined();
    }
    expect(new Set(cbs.map((x) => x.headers['i-twilio-idempotency-token'])).size).toBe(4);
    expect(emu.messagesCreated().find((m) => m.sid === sid)).toMatchObject({ status: 'read', statusHistory: ['queued', 'sent', 'delivered', 'read'] });
    const fetched = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${sid}.json`, {
      headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) },
    });
    expect(await fetched.json()).toMatchObject({ status: 'read', date_sent: expect.stringMatching(/\+0000$/) });
  });

  it('go to the StatusCallback parameter when given, and are retried with the same token', async () => {
    const to = nextCustomer();
    await emu.customer(ACCOUNT.accountSid, BUSINESS, to).sendText('hi');
    hub.respondWith([500]);
    const url = `${hub.origin}/webhooks/twilio/status?m=42`;
    const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'x', StatusCallback: url });
    const sid = String(r.json['sid']);
    await hub.waitFor((rs) => rs.some((x) => x.params['MessageSid'] === sid && x.params['MessageStatus'] === 'read'));
    const cbs = hub.received.filter((x) => x.params['MessageSid'] === sid);
    expect(cbs.every((x) => x.url === url)).toBe(true);
    expect(cbs.map((x) => x.params['MessageStatus'])).toEqual(['queued', 'queued', 'sent', 'delivered', 'read']);
    expect(cbs[0]?.headers['i-twilio-idempotency-token']).toBe(cbs[1]?.headers['i-twilio-idempotency-token']);
    expect(twilio.validateRequest(ACCOUNT.authToken, String(cbs[0]?.headers['x-twilio-signature']), url, cbs[0]?.params ?? {})).toBe(true);
  });
});

describe('the 24-hour window', () => {
  it('fails a free-form message with 63016 once the last inbound is older than 24 h', async () => {
    const to = nextCustomer();
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, to);
    await c.sendText('I need help');
    clock += 23 * HOUR;
    const inside = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'still inside' });
    await callbacksUntil(String(inside.json['sid']), 'delivered');
    clock += 2 * HOUR;
    const outside = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'too late' });
    expect(outside.status).toBe(201);
    const sid = String(outside.json['sid']);
    const cbs = await callbacksUntil(sid, 'failed');
    expect(cbs.map((x) => x.params['MessageStatus'])).toEqual(['queued', 'failed']);
    expect(cbs[1]?.params).toMatchObject({
      ErrorCode: '63016',
      ErrorMessage:
        'Failed to send freeform message because you are outside the allowed window. If you would like to send a message outside this window, please use a Template.',
    });
    expect(c.inbox().map((m) => m.body)).toEqual(['still inside']);
    expect(emu.messagesCreated().find((m) => m.sid === sid)).toMatchObject({ status: 'failed', errorCode: 63016 });
  });

  it('fails a free-form message to a customer who never wrote', async () => {
    const to = nextCustomer();
    const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'cold outreach' });
    const cbs = await callbacksUntil(String(r.json['sid']), 'failed');
    expect(cbs.at(-1)?.params['ErrorCode']).toBe('63016');
  });

  it('delivers an approved template outside the window, rendered with its variables and defaults', async () => {
    const to = nextCustomer();
    const { sid: contentSid } = emu.addContent(ACCOUNT.accountSid, {
      friendlyName: 'shipping_update',
      language: 'en',
      body: 'Hi {{1}}, your order {{2}} ships {{3}}.',
      variables: { 1: 'there', 3: 'soon' },
    });
    const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, ContentSid: contentSid, ContentVariables: '{"1":"Eve","2":"#7"}' });
    expect(r.json['body']).toBe('Hi Eve, your order #7 ships soon.');
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, to);
    const [got] = await c.waitForInbox(1);
    expect(got).toMatchObject({ contentSid, contentVariables: { 1: 'Eve', 2: '#7' }, renderedText: 'Hi Eve, your order #7 ships soon.' });
    expect(got?.body).toBeUndefined();
  });

  it('treats a template not approved for WhatsApp as free-form', async () => {
    const to = nextCustomer();
    const { sid: contentSid } = emu.addContent(ACCOUNT.accountSid, { friendlyName: 'draft', language: 'en', body: 'Draft {{1}}', approval: 'pending' });
    const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, ContentSid: contentSid });
    expect((await callbacksUntil(String(r.json['sid']), 'failed')).at(-1)?.params['ErrorCode']).toBe('63016');
  });
});

describe('the Sandbox', () => {
  it('delivers only to customers who joined; the join gets a reply and reaches the webhook', async () => {
    const to = nextCustomer();
    const c = emu.customer(ACCOUNT.accountSid, SANDBOX, to, 'Finn');
    await c.sendText('hello before joining');
    const before = await send({ From: `whatsapp:${SANDBOX}`, To: `whatsapp:${to}`, Body: 'not yet' });
    const failed = await callbacksUntil(String(before.json['sid']), 'failed');
    expect(failed.at(-1)?.params).toMatchObject({
      ErrorCode: '63015',
      ErrorMessage: 'Channel Sandbox can only send messages to phone numbers that have joined the Sandbox',
    });

    const wrong = await c.join('green-lion');
    expect(wrong.status).toBe(200);
    expect(c.inbox().at(-1)).toMatchObject({ via: 'sandbox', body: expect.stringContaining('not valid') });

    const joined = await c.join('Purple-Tiger');
    expect(joined.params).toMatchObject({ Body: 'join Purple-Tiger', From: `whatsapp:${to}`, To: `whatsapp:${SANDBOX}` });
    expect(hub.webhooks().at(-1)?.params['MessageSid']).toBe(joined.messageSid);
    expect(c.inbox().at(-1)).toMatchObject({ via: 'sandbox', body: expect.stringContaining('You are all set') });

    const after = await send({ From: `whatsapp:${SANDBOX}`, To: `whatsapp:${to}`, Body: 'welcome!' });
    await callbacksUntil(String(after.json['sid']), 'delivered');
    expect(c.inbox().at(-1)).toMatchObject({ via: 'api', body: 'welcome!' });
    expect(emu.messagesCreated().filter((m) => m.to === `whatsapp:${to}`)).toHaveLength(2); // sandbox replies are not the hub's
  });
});

describe('media', () => {
  it('fetches each MediaUrl before sent and hands the bytes to the customer', async () => {
    const to = nextCustomer();
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, to);
    await c.sendText('send me the invoice');
    hub.serve('/files/invoice.pdf', { contentType: 'application/pdf', body: Buffer.from('%PDF-1.4 fake') });
    hub.serve('/files/photo.jpg', { contentType: 'image/jpeg; charset=binary', body: Buffer.from([0xff, 0xd8, 0xff]) });
    const urls = [`${hub.origin}/files/invoice.pdf`, `${hub.origin}/files/photo.jpg`];
    const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'Here you go', MediaUrl: urls });
    expect(r.json).toMatchObject({ num_media: '2', sid: expect.stringMatching(/^MM/) });
    const [got] = await c.waitForInbox(1);
    expect(got).toMatchObject({ body: 'Here you go', mediaUrls: urls });
    expect(got?.media.map((m) => [m.contentType, m.bytes.toString('latin1')])).toEqual([
      ['application/pdf', '%PDF-1.4 fake'],
      ['image/jpeg', '\xff\xd8\xff'],
    ]);
    const media = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${String(r.json['sid'])}/Media.json`, {
      headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) },
    });
    expect(((await media.json()) as { media_list: unknown[] }).media_list).toHaveLength(2);
  });

  it('fails the message with 63019 when a MediaUrl cannot be fetched', async () => {
    const to = nextCustomer();
    await emu.customer(ACCOUNT.accountSid, BUSINESS, to).sendText('hi');
    const r = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, MediaUrl: `${hub.origin}/files/missing.png` });
    expect(r.status).toBe(201);
    const cbs = await callbacksUntil(String(r.json['sid']), 'failed');
    expect(cbs.map((x) => x.params['MessageStatus'])).toEqual(['queued', 'failed']);
    expect(cbs[1]?.params['ErrorCode']).toBe('63019');
  });
});

describe('failNextDeliveries', () => {
  it('fails (never sent) or undelivers (sent, then lost) the next messages to a recipient', async () => {
    const to = nextCustomer();
    const c = emu.customer(ACCOUNT.accountSid, BUSINESS, to);
    await c.sendText('hi');
    emu.failNextDeliveries({ to: `whatsapp:${to}`, errorCode: 63024 });
    emu.failNextDeliveries({ to, errorCode: 30008, status: 'undelivered' });
    const a = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'a' });
    const failed = await callbacksUntil(String(a.json['sid']), 'failed');
    expect(failed.map((x) => x.params['MessageStatus'])).toEqual(['queued', 'failed']);
    expect(failed[1]?.params).toMatchObject({ ErrorCode: '63024', ErrorMessage: 'Invalid message recipient' });
    const b = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'b' });
    const undelivered = await callbacksUntil(String(b.json['sid']), 'undelivered');
    expect(undelivered.map((x) => x.params['MessageStatus'])).toEqual(['queued', 'sent', 'undelivered']);
    expect(undelivered[2]?.params['ErrorCode']).toBe('30008');
    const ok = await send({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${to}`, Body: 'c' });
    await callbacksUntil(String(ok.json['sid']), 'read');
    expect(c.inbox().map((m) => m.body)).toEqual(['c']);
  });
});
