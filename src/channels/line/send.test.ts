/** send.ts against the LINE emulator (emulators/line): a real socket, LINE's own rules and errors. */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator } from '../../../emulators/line/index.js';
import type { LineEmulator } from '../../../emulators/line/types.js';
import type { ChannelClient, InboundEvent, OutboundMessage } from '../adapter.js';
import type { MessageContent } from '../../domain/message.js';
import { lineAdapter, type LineCredentials } from './index.js';
import { isReplyTokenRefusal, retryKeyOf } from './send.js';

const creds: LineCredentials = {
  channelId: '2000000001',
  channelSecret: '0123456789abcdef0123456789abcdef',
  channelAccessToken: 'send-test-token',
};

let clock = Date.now();
let emulator: LineEmulator;
let client: ChannelClient;
let hook: { url: string; events: InboundEvent[]; refused: number; server: Server };
/** A server that accepts requests and never answers, for timeouts. */
let silent: { url: string; server: Server };

/** The hub's side of the webhook: verify, parse, keep the events. */
async function startWebhookSink(): Promise<typeof hook> {
  const sink = { url: '', events: [] as InboundEvent[], refused: 0, server: createServer() };
  sink.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const raw = { url: sink.url, headers, body: Buffer.concat(chunks) };
      const verdict = lineAdapter.verify(raw, creds);
      if (!verdict.ok) {
        sink.refused++;
        res.writeHead(verdict.status).end();
        return;
      }
      sink.events.push(...lineAdapter.parse(raw));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}/webhooks/line/acc_1`;
  return sink;
}

const mediaUrl = (blobId: string, variant?: 'preview') =>
  `https://media.hub.example/${blobId}${variant ? `/${variant}` : ''}?sig=s`;

function outbound(recipient: string, content: MessageContent, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { idempotencyKey: randomUUID(), recipient, content, mediaUrl, ...extra };
}

const text = (t: string): MessageContent => ({ kind: 'text', text: t });

beforeAll(async () => {
  hook = await startWebhookSink();
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  silent = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  emulator = await startLineEmulator({ now: () => clock, rateLimitPerSecond: 1000 });
  emulator.addChannel({ ...creds, webhookUrl: hook.url });
  client = lineAdapter.createClient(creds, { baseUrls: { lineApi: emulator.baseUrl, lineDataApi: emulator.baseUrl } });
});

afterAll(async () => {
  await emulator?.close();
  hook?.server.closeAllConnections(); // the emulator's webhook sender keeps connections alive
  await new Promise((resolve) => hook?.server.close(resolve));
  silent?.server.closeAllConnections();
  await new Promise((resolve) => silent?.server.close(resolve));
});

describe('LINE send (emulator)', () => {
  it('pushes with the retry key and the customer gets the message', async () => {
    const customer = emulator.customer(creds.channelId);
    const message = outbound(customer.userId, text('Hello from the hub'));
    const result = await client.send(message);
    expect(result).toMatchObject({ ok: true, usedReplyToken: false, providerMessageId: expect.any(String) });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({ via: 'push', message: { type: 'text', text: 'Hello from the hub' } });
    if (result.ok) expect(got?.messageId).toBe(result.providerMessageId);
    const push = emulator.requests().filter((r) => r.path === '/v2/bot/message/push').at(-1);
    expect(push?.headers['x-line-retry-key']).toBe(message.idempotencyKey);
    expect(push?.validationErrors ?? []).toEqual([]);
  });

  it('does not deliver a repeated idempotency key twice', async () => {
    const customer = emulator.customer(creds.channelId);
    const message = outbound(customer.userId, text('only once'));
    const first = await client.send(message);
    const second = await client.send(message);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: true, providerMessageId: expect.any(String) });
    // The 409 carries the earlier sentMessages: the same message id is reported again.
    if (first.ok && second.ok) expect(second.providerMessageId).toBe(first.providerMessageId);
    await customer.waitForInbox(1);
    expect(customer.inbox()).toHaveLength(1);
    const statuses = emulator.requests().filter((r) => r.path === '/v2/bot/message/push').slice(-2).map((r) => r.status);
    expect(statuses).toEqual([200, 409]);
  });

  it('answers an inbound message with its fresh reply token (round trip through verify + parse)', async () => {
    const customer = emulator.customer(creds.channelId);
    const delivery = await customer.sendText('Hi, I need help');
    expect(delivery.status).toBe(200);
    const event = hook.events.find((e) => e.type === 'message' && e.providerMessageId === delivery.messageId);
    expect(event).toMatchObject({ type: 'message', user: { id: customer.userId }, content: { kind: 'text', text: 'Hi, I need help' } });
    const replyToken = event?.type === 'message' ? event.replyToken : undefined;
    expect(replyToken).toBe(delivery.replyToken);

    const result = await client.send(outbound(customer.userId, text('How can I help?'), { replyToken }));
    expect(result).toMatchObject({ ok: true, usedReplyToken: true, providerMessageId: expect.any(String) });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({ via: 'reply', message: { text: 'How can I help?' } });
  });

  it('falls back to push when the reply token has expired', async () => {
    const customer = emulator.customer(creds.channelId);
    const { replyToken } = await customer.sendText('anyone there?');
    clock += 10 * 60_000; // long past the token's life
    const result = await client.send(outbound(customer.userId, text('Sorry for the wait'), { replyToken }));
    expect(result).toEqual({ ok: true, providerMessageId: expect.any(String), usedReplyToken: false });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({ via: 'push', message: { text: 'Sorry for the wait' } });
    const calls = emulator.requests().slice(-2).map((r) => [r.path, r.status]);
    expect(calls).toEqual([
      ['/v2/bot/message/reply', 400],
      ['/v2/bot/message/push', 200],
    ]);
  });

  it('falls back to push when the reply token was already used, and says the token is spent if push fails too', async () => {
    const customer = emulator.customer(creds.channelId);
    const { replyToken } = await customer.sendText('two answers please');
    expect(await client.send(outbound(customer.userId, text('one'), { replyToken }))).toMatchObject({ usedReplyToken: true });
    emulator.injectFault({ method: 'POST', path: '/v2/bot/message/push', status: 500 });
    const result = await client.send(outbound(customer.userId, text('two'), { replyToken }));
    expect(result).toMatchObject({ ok: false, replyTokenSpent: true, error: { code: 'temporary', providerCode: '500' } });
  });

  it('sends an image and its caption in one push', async () => {
    const customer = emulator.customer(creds.channelId);
    const result = await client.send(outbound(customer.userId, { kind: 'image', media: { blobId: 'blob1' }, caption: 'your receipt' }));
    expect(result).toMatchObject({ ok: true });
    const got = await customer.waitForInbox(2);
    expect(got.map((m) => m.message)).toEqual([
      { type: 'image', originalContentUrl: mediaUrl('blob1'), previewImageUrl: mediaUrl('blob1', 'preview') },
      { type: 'text', text: 'your receipt' },
    ]);
  });

  it.each<[string, MessageContent]>([
    ['video', { kind: 'video', media: { blobId: 'v1', durationMs: 4000 } }],
    ['audio', { kind: 'audio', media: { blobId: 'a1', durationMs: 4000 } }],
    ['sticker', { kind: 'sticker', packageId: '446', stickerId: '1988' }],
    ['location', { kind: 'location', latitude: 35.68, longitude: 139.76 }],
  ])('LINE accepts a rendered %s', async (_kind, content) => {
    const customer = emulator.customer(creds.channelId);
    expect(await client.send(outbound(customer.userId, content))).toMatchObject({ ok: true });
    await customer.waitForInbox(1);
  });

  it('maps 500 to temporary', async () => {
    const customer = emulator.customer(creds.channelId);
    emulator.injectFault({ path: '/v2/bot/message/push', status: 500 });
    const result = await client.send(outbound(customer.userId, text('x')));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: '500' } });
  });

  it('maps 429 with Retry-After to rate_limited with the delay', async () => {
    const customer = emulator.customer(creds.channelId);
    emulator.injectFault({ path: '/v2/bot/message/push', status: 429, retryAfterSec: 7 });
    const result = await client.send(outbound(customer.userId, text('x')));
    expect(result).toMatchObject({ ok: false, error: { code: 'rate_limited', providerCode: '429', retryAfterMs: 7000 } });
  });

  it('maps an invalid image (not https) to invalid_request with LINE details', async () => {
    const customer = emulator.customer(creds.channelId);
    const httpUrl = (blobId: string, variant?: 'preview') => `http://media.example.com/${blobId}${variant ? '/p' : ''}`;
    const result = await client.send(outbound(customer.userId, { kind: 'image', media: { blobId: 'b' } }, { mediaUrl: httpUrl }));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', providerCode: '400' } });
    if (!result.ok) expect(result.error.message).toMatch(/messages\[0\]\.originalContentUrl/);
    expect(customer.inbox()).toHaveLength(0);
  });

  it('refuses content LINE cannot carry before calling LINE', async () => {
    const before = emulator.requests().length;
    const result = await client.send(outbound('U1', { kind: 'file', media: { blobId: 'f' } }));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(emulator.requests()).toHaveLength(before);
  });

  it('maps a refused access token to auth', async () => {
    const customer = emulator.customer(creds.channelId);
    const bad = lineAdapter.createClient({ ...creds, channelAccessToken: 'not-the-token' }, { baseUrls: { lineApi: emulator.baseUrl } });
    const result = await bad.send(outbound(customer.userId, text('x')));
    expect(result).toMatchObject({ ok: false, error: { code: 'auth', providerCode: '401' } });
  });

  it('maps a timeout to temporary', async () => {
    const slow = lineAdapter.createClient(creds, { baseUrls: { lineApi: silent.url }, timeoutMs: 100 });
    const result = await slow.send(outbound('U1', text('x')));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'TimeoutError' } });
  });

  it('maps a refused connection to temporary', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = lineAdapter.createClient(creds, { baseUrls: { lineApi: `http://127.0.0.1:${port}` } });
    const result = await down.send(outbound('U1', text('x')));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'ECONNREFUSED' } });
  });

  it('honours the caller abort signal', async () => {
    const slow = lineAdapter.createClient(creds, { baseUrls: { lineApi: silent.url } });
    const result = await slow.send(outbound('U1', text('x')), AbortSignal.timeout(50));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary' } });
  });
});

describe('send helpers', () => {
  it.each([
    [400, { message: 'Invalid reply token' }, true],
    [400, { message: 'bad', details: [{ property: 'replyToken', message: 'expired' }] }, true],
    [400, { message: 'The request body has 1 error(s)', details: [{ property: 'messages[0].text' }] }, false],
    [401, { message: 'Invalid reply token' }, false],
    [500, { message: 'Invalid reply token' }, false],
    [400, undefined, false],
  ])('isReplyTokenRefusal(%i, %j) = %s', (status, body, expected) => {
    expect(isReplyTokenRefusal(status, body)).toBe(expected);
  });

  it('keeps UUID retry keys and maps other keys to a stable UUID', () => {
    const uuid = randomUUID();
    expect(retryKeyOf(uuid)).toBe(uuid);
    expect(retryKeyOf('msg_42:attempt')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(retryKeyOf('msg_42:attempt')).toBe(retryKeyOf('msg_42:attempt'));
    expect(retryKeyOf('msg_42:attempt')).not.toBe(retryKeyOf('msg_43:attempt'));
  });

  it('a client is frozen', () => {
    expect(Object.isFrozen(lineAdapter.createClient(creds, { baseUrls: {} }))).toBe(true);
  });
});
