/** send.ts against the Twilio emulator (emulators/twilio): a real socket, Twilio's own rules, errors and callbacks. */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from '../../../emulators/twilio/index.js';
import type { ChannelClient, InboundEvent, RawWebhook } from '../adapter.js';
import type { MessageContent } from '../../domain/message.js';
import { twilioWhatsAppAdapter, type TwilioCredentials, type TwilioOutboundMessage } from './index.js';
import { utcDate } from './send.js';

const creds: TwilioCredentials = {
  accountSid: 'AC11111111111111111111111111111111',
  authToken: '0123456789abcdef0123456789abcdef',
};
const BUSINESS = '+14155238886';
const MESSAGES_PATH = `/2010-04-01/Accounts/${creds.accountSid}/Messages.json`;

let emulator: TwilioEmulator;
let client: ChannelClient;
let hub: { base: string; server: Server; events: InboundEvent[]; refused: number; answers: string[] };
let media: { base: string; server: Server };
let silent: { server: Server; url: string };
let waCounter = 0;

/** The hub's side of the webhooks: verify with the adapter, parse, answer with the adapter's ack. */
async function startHub(): Promise<typeof hub> {
  const sink = { base: '', server: createServer(), events: [] as InboundEvent[], refused: 0, answers: [] as string[] };
  sink.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const raw: RawWebhook = { url: `${sink.base}${req.url ?? ''}`, headers, body: Buffer.concat(chunks) };
      const verdict = twilioWhatsAppAdapter.verify(raw, creds);
      if (!verdict.ok) {
        sink.refused++;
        res.writeHead(verdict.status).end();
        return;
      }
      sink.events.push(...twilioWhatsAppAdapter.parse(raw));
      const ack = twilioWhatsAppAdapter.webhookAck!;
      res.writeHead(ack.status, { 'content-type': ack.contentType ?? 'text/plain' }).end(ack.body);
    });
  });
  await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
  sink.base = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;
  return sink;
}

const WEBHOOK_PATH = '/webhooks/twilio-whatsapp/acc_1';
const mediaUrl = (blobId: string) => `${media.base}/media/${blobId}?sig=s`;
const statusCallbackUrl = (ref: string) => `${hub.base}${WEBHOOK_PATH}/status?m=${ref}`;

function outbound(recipient: string, content: MessageContent, extra: Partial<TwilioOutboundMessage> = {}): TwilioOutboundMessage {
  return { idempotencyKey: randomUUID(), recipient, content, mediaUrl, address: BUSINESS, attempt: 1, ...extra };
}
const text = (t: string): MessageContent => ({ kind: 'text', text: t });

/** A new customer who has written to the business (the 24-hour window is open). */
async function customerInWindow(): Promise<ReturnType<TwilioEmulator['customer']>> {
  const c = newCustomer();
  await c.sendText('hello');
  return c;
}
function newCustomer(): ReturnType<TwilioEmulator['customer']> {
  waCounter++;
  return emulator.customer(creds.accountSid, BUSINESS, `+1555000${String(waCounter).padStart(4, '0')}`, `Customer ${waCounter}`);
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const posts = () => emulator.requests().filter((r) => r.method === 'POST' && r.path === MESSAGES_PATH);
const lists = () => emulator.requests().filter((r) => r.method === 'GET' && r.path === MESSAGES_PATH);

beforeAll(async () => {
  hub = await startHub();
  const mediaServer = createServer((req, res) => {
    const blob = /^\/media\/([\w-]+)/.exec(req.url ?? '')?.[1];
    if (!blob) return void res.writeHead(404).end();
    const type = blob.startsWith('pdf') ? 'application/pdf' : 'image/jpeg';
    res.writeHead(200, { 'content-type': type }).end(Buffer.from(`bytes of ${blob}`));
  });
  await new Promise<void>((resolve) => mediaServer.listen(0, '127.0.0.1', resolve));
  media = { server: mediaServer, base: `http://127.0.0.1:${(mediaServer.address() as AddressInfo).port}` };
  const s = createServer(() => undefined);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  silent = { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };

  emulator = await startTwilioEmulator({ rateLimitPerSecond: 10_000, statusDelaysMs: { sent: 5, delivered: 10, read: 15 } });
  emulator.addAccount(creds);
  emulator.addNumber({ accountSid: creds.accountSid, number: BUSINESS, webhookUrl: `${hub.base}${WEBHOOK_PATH}` });
  client = twilioWhatsAppAdapter.createClient(creds, { baseUrls: { twilioApi: emulator.baseUrl, twilioContentApi: emulator.baseUrl } });
});

afterAll(async () => {
  await emulator?.close();
  for (const s of [hub?.server, media?.server, silent?.server]) {
    s?.closeAllConnections();
    await new Promise((resolve) => s?.close(resolve));
  }
});

describe('webhooks from the emulator (verify + parse, round trip)', () => {
  it('a text arrives verified and parsed, and the hub answers empty TwiML', async () => {
    const customer = newCustomer();
    const delivery = await customer.sendText('Where is my order?');
    expect(delivery.status).toBe(200);
    expect(delivery.responseBody).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const event = hub.events.find((e) => e.eventId === delivery.messageSid);
    expect(event).toMatchObject({
      type: 'message',
      providerMessageId: delivery.messageSid,
      user: { id: customer.waNumber, displayName: expect.stringMatching(/^Customer /) },
      address: BUSINESS,
      content: { kind: 'text', text: 'Where is my order?' },
      raw: { ...delivery.params, 'i-twilio-idempotency-token': expect.any(String) },
    });
    expect(hub.refused).toBe(0);
  });

  it('two media, a location and a button', async () => {
    const customer = newCustomer();
    const m = await customer.sendMedia(
      [
        { bytes: Buffer.from('jpeg'), contentType: 'image/jpeg' },
        { bytes: Buffer.from('%PDF'), contentType: 'application/pdf' },
      ],
      'both attached',
    );
    const items = hub.events.filter((e) => e.eventId.startsWith(m.messageSid));
    expect(items.map((e) => [e.eventId, e.type === 'message' ? e.content.kind : e.type])).toEqual([
      [m.messageSid, 'image'],
      [`${m.messageSid}#1`, 'file'],
    ]);
    expect(items[0]).toMatchObject({ content: { caption: 'both attached', media: { providerRef: m.params['MediaUrl0'], contentType: 'image/jpeg' } } });

    const l = await customer.sendLocation({ latitude: 52.52, longitude: 13.405, address: 'Alexanderplatz', label: 'Meet here' });
    expect(hub.events.find((e) => e.eventId === l.messageSid)).toMatchObject({
      content: { kind: 'location', latitude: 52.52, longitude: 13.405, address: 'Alexanderplatz', title: 'Meet here' },
    });

    const b = await customer.sendButton('confirm:yes', 'Yes', 'SMtemplate');
    expect(hub.events.find((e) => e.eventId === b.messageSid)).toMatchObject({ type: 'postback', data: 'confirm:yes', label: 'Yes' });

    const r = await customer.replyTo('SMquoted', 'about this');
    expect(hub.events.find((e) => e.eventId === r.messageSid)).toMatchObject({ replyToProviderMessageId: 'SMquoted' });
    expect(hub.refused).toBe(0);
  });
});

describe('Twilio send (emulator)', () => {
  it('a text reaches the customer, and status callbacks come back with our reference', async () => {
    const customer = await customerInWindow();
    const result = await client.send(outbound(customer.waNumber, text('Your order ships today'), { statusCallbackUrl: statusCallbackUrl('msg_text') }));
    expect(result).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({ body: 'Your order ships today', via: 'api' });
    if (result.ok) expect(got?.sid).toBe(result.providerMessageId);
    const post = posts().at(-1);
    expect(post?.body).toEqual({
      To: `whatsapp:${customer.waNumber}`,
      From: `whatsapp:${BUSINESS}`,
      Body: 'Your order ships today',
      StatusCallback: statusCallbackUrl('msg_text'),
    });
    expect(post?.validationErrors ?? []).toEqual([]);
    expect(post?.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);

    const statuses = await waitFor(() => {
      const s = hub.events.filter((e) => e.type === 'status' && result.ok && e.providerMessageId === result.providerMessageId);
      return s.length >= 4 ? s : undefined;
    }, 'four status callbacks');
    expect(statuses.map((e) => (e.type === 'status' ? [e.status, e.messageRef] : []))).toEqual([
      ['queued', 'msg_text'],
      ['sent', 'msg_text'],
      ['delivered', 'msg_text'],
      ['read', 'msg_text'],
    ]);
  });

  it('an image with its caption', async () => {
    const customer = await customerInWindow();
    const result = await client.send(outbound(customer.waNumber, { kind: 'image', media: { blobId: 'photo1', contentType: 'image/jpeg' }, caption: 'your receipt' }));
    expect(result).toMatchObject({ ok: true, providerMessageId: expect.stringMatching(/^MM/) });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({ body: 'your receipt', mediaUrls: [mediaUrl('photo1')] });
    expect(got?.media[0]?.bytes.toString()).toBe('bytes of photo1');
    expect(got?.media[0]?.contentType).toBe('image/jpeg');
  });

  it('a document without caption', async () => {
    const customer = await customerInWindow();
    const result = await client.send(outbound(customer.waNumber, { kind: 'file', media: { blobId: 'pdf1', fileName: 'invoice.pdf' } }));
    expect(result).toMatchObject({ ok: true });
    const [got] = await customer.waitForInbox(1);
    expect(got?.media[0]).toMatchObject({ contentType: 'application/pdf' });
    expect(got?.body).toBeUndefined();
  });

  it('a template with ContentSid and ContentVariables, even outside the window', async () => {
    const { sid } = emulator.addContent(creds.accountSid, {
      friendlyName: 'order_update',
      language: 'en',
      body: 'Hi {{1}}, your order {{2}} has shipped',
      variables: { '1': 'name', '2': 'order' },
      approval: 'approved',
    });
    const customer = newCustomer(); // never wrote: only a template may reach them
    const content: MessageContent = {
      kind: 'template',
      templateId: 'tpl_1',
      name: 'order_update',
      language: 'en',
      providerTemplateId: sid,
      variables: { '1': 'Ana', '2': '#1234' },
      text: 'Hi Ana, your order #1234 has shipped',
    };
    const result = await client.send(outbound(customer.waNumber, content));
    expect(result).toMatchObject({ ok: true });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({ contentSid: sid, contentVariables: { '1': 'Ana', '2': '#1234' }, renderedText: 'Hi Ana, your order #1234 has shipped' });
    expect(posts().at(-1)?.body).toMatchObject({ ContentSid: sid, ContentVariables: '{"1":"Ana","2":"#1234"}' });
  });

  it('free text outside the window is accepted, then fails with 63016 in the status callback', async () => {
    const customer = newCustomer();
    const result = await client.send(outbound(customer.waNumber, text('hello?'), { statusCallbackUrl: statusCallbackUrl('msg_late') }));
    expect(result).toMatchObject({ ok: true });
    const failed = await waitFor(
      () => hub.events.find((e) => e.type === 'status' && e.messageRef === 'msg_late' && e.status === 'failed'),
      'a failed status callback',
    );
    expect(failed).toMatchObject({ errorCode: '63016', errorMessage: expect.stringMatching(/outside the allowed window/) });
  });

  it('an unknown ContentSid → invalid_request (21655)', async () => {
    const customer = await customerInWindow();
    const content: MessageContent = {
      kind: 'template',
      templateId: 't',
      name: 'gone',
      language: 'en',
      providerTemplateId: 'HX00000000000000000000000000000000',
      variables: {},
      text: 'x',
    };
    expect(await client.send(outbound(customer.waNumber, content))).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', providerCode: '21655', message: 'The ContentSid is Invalid (Twilio error 21655)' },
    });
  });

  it('a From that is not the account’s → invalid_request (21606)', async () => {
    const customer = await customerInWindow();
    expect(await client.send(outbound(customer.waNumber, text('hi'), { address: '+15550009999' }))).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', providerCode: '21606' },
    });
  });

  it('content that cannot be rendered fails without calling Twilio', async () => {
    const before = emulator.requests().length;
    const result = await client.send(outbound('+15550000001', { kind: 'location', latitude: 1, longitude: 2 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(emulator.requests()).toHaveLength(before);
  });
});

describe('Twilio send: errors (emulator)', () => {
  it('500 → temporary', async () => {
    emulator.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 500 });
    const result = await client.send(outbound('+15550000002', text('x')));
    expect(result).toEqual({
      ok: false,
      error: { code: 'temporary', providerCode: '20500', message: 'An internal server error has occurred (Twilio error 20500)' },
    });
  });

  it('429 → rate_limited with Retry-After', async () => {
    emulator.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 429, retryAfterSec: 3 });
    expect(await client.send(outbound('+15550000003', text('x')))).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', providerCode: '20429', retryAfterMs: 3000 },
    });
  });

  it('a wrong auth token → auth', async () => {
    const bad = twilioWhatsAppAdapter.createClient({ ...creds, authToken: 'ffffffffffffffffffffffffffffffff' }, { baseUrls: { twilioApi: emulator.baseUrl } });
    expect(await bad.send(outbound('+15550000004', text('x')))).toMatchObject({
      ok: false,
      error: { code: 'auth', providerCode: '20003', message: 'Authenticate (Twilio error 20003)' },
    });
  });

  it('a refused connection → temporary', async () => {
    const dead = twilioWhatsAppAdapter.createClient(creds, { baseUrls: { twilioApi: 'http://127.0.0.1:9' } });
    expect(await dead.send(outbound('+15550000005', text('x')))).toMatchObject({ ok: false, error: { code: 'temporary' } });
  });

  it('no answer in time → temporary', async () => {
    const slow = twilioWhatsAppAdapter.createClient(creds, { baseUrls: { twilioApi: silent.url }, timeoutMs: 100 });
    expect(await slow.send(outbound('+15550000006', text('x')))).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'TimeoutError' } });
  });
});

describe('Twilio send: never twice (reconciliation on retries)', () => {
  it('created but the answer was lost: the retry finds it and the customer gets ONE message', async () => {
    const customer = await customerInWindow();
    const message = outbound(customer.waNumber, text('Your refund is on its way'), { statusCallbackUrl: statusCallbackUrl('msg_lost') });
    emulator.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 500, afterCreate: true });
    const first = await client.send(message);
    expect(first).toMatchObject({ ok: false, error: { code: 'temporary' } });
    const created = emulator.messagesCreated().filter((m) => m.to === `whatsapp:${customer.waNumber}`);
    expect(created).toHaveLength(1);

    const postsBefore = posts().length;
    const second = await client.send({ ...message, attempt: 2 });
    expect(second).toEqual({ ok: true, providerMessageId: created[0]?.sid });
    expect(posts()).toHaveLength(postsBefore); // nothing was posted again
    const query = lists().at(-1)?.body as Record<string, string>;
    expect(query).toEqual({
      To: `whatsapp:${customer.waNumber}`,
      From: `whatsapp:${BUSINESS}`,
      'DateSent>': utcDate(Date.now() - 24 * 3600_000),
      PageSize: '50',
    });

    await customer.waitForInbox(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(customer.inbox()).toHaveLength(1);
    expect(emulator.messagesCreated().filter((m) => m.to === `whatsapp:${customer.waNumber}`)).toHaveLength(1);
  });

  it('the answer timed out after the create: the retry reconciles too', async () => {
    const customer = await customerInWindow();
    const slowClient = twilioWhatsAppAdapter.createClient(creds, { baseUrls: { twilioApi: emulator.baseUrl }, timeoutMs: 300 });
    emulator.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 201, afterCreate: true, delayMs: 1000 });
    const message = outbound(customer.waNumber, text('Slow but sure'));
    expect(await slowClient.send(message)).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'TimeoutError' } });
    const second = await slowClient.send({ ...message, attempt: 2 });
    const created = emulator.messagesCreated().filter((m) => m.to === `whatsapp:${customer.waNumber}`);
    expect(created).toHaveLength(1);
    expect(second).toEqual({ ok: true, providerMessageId: created[0]?.sid });
  });

  it('the first attempt never reached Twilio: the retry finds nothing and sends', async () => {
    const customer = await customerInWindow();
    emulator.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 503 });
    const message = outbound(customer.waNumber, text('Second time lucky'));
    expect(await client.send(message)).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: '20500' } });
    const second = await client.send({ ...message, attempt: 2 });
    expect(second).toMatchObject({ ok: true, providerMessageId: expect.any(String) });
    const inbox = await customer.waitForInbox(1);
    expect(inbox.map((m) => m.body)).toEqual(['Second time lucky']);
  });

  it('an identical message the hub already knows is not taken for the retry', async () => {
    const customer = await customerInWindow();
    const earlier = await client.send(outbound(customer.waNumber, text('OK')));
    expect(earlier.ok).toBe(true);
    const knownProviderMessageIds = earlier.ok && earlier.providerMessageId ? [earlier.providerMessageId] : [];
    const retry = await client.send(outbound(customer.waNumber, text('OK'), { attempt: 2, knownProviderMessageIds }));
    expect(retry).toMatchObject({ ok: true });
    if (retry.ok && earlier.ok) expect(retry.providerMessageId).not.toBe(earlier.providerMessageId);
    const inbox = await customer.waitForInbox(2);
    expect(inbox.map((m) => m.body)).toEqual(['OK', 'OK']);
  });

  it('a different body to the same customer is not a match', async () => {
    const customer = await customerInWindow();
    await client.send(outbound(customer.waNumber, text('first')));
    const retry = await client.send(outbound(customer.waNumber, text('second'), { attempt: 2 }));
    expect(retry).toMatchObject({ ok: true });
    const inbox = await customer.waitForInbox(2);
    expect(inbox.map((m) => m.body)).toEqual(['first', 'second']);
  });

  it('a lost template send reconciles on its rendered text', async () => {
    const { sid } = emulator.addContent(creds.accountSid, { friendlyName: 'reminder', language: 'en', body: 'See you on {{1}}', approval: 'approved' });
    const customer = newCustomer();
    const content: MessageContent = {
      kind: 'template',
      templateId: 'tpl_r',
      name: 'reminder',
      language: 'en',
      providerTemplateId: sid,
      variables: { '1': 'Monday' },
      text: 'See you on Monday',
    };
    const message = outbound(customer.waNumber, content);
    emulator.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 502, afterCreate: true });
    expect(await client.send(message)).toMatchObject({ ok: false, error: { code: 'temporary' } });
    const second = await client.send({ ...message, attempt: 3 });
    const created = emulator.messagesCreated().filter((m) => m.to === `whatsapp:${customer.waNumber}`);
    expect(created).toHaveLength(1);
    expect(second).toEqual({ ok: true, providerMessageId: created[0]?.sid });
  });

  it('when the check itself fails, nothing is posted', async () => {
    const customer = await customerInWindow();
    emulator.injectFault({ method: 'GET', path: MESSAGES_PATH, status: 500 });
    const postsBefore = posts().length;
    const result = await client.send(outbound(customer.waNumber, text('careful'), { attempt: 2 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary', message: expect.stringMatching(/earlier attempt/) } });
    expect(posts()).toHaveLength(postsBefore);
  });

  it('a first attempt does not look', async () => {
    const customer = await customerInWindow();
    const listsBefore = lists().length;
    await client.send(outbound(customer.waNumber, text('plain')));
    expect(lists()).toHaveLength(listsBefore);
  });
});

