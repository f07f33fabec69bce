/** The official @line/bot-sdk works against the emulator, and verifies its webhook signatures. */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HTTPFetchError, messagingApi, validateSignature } from '@line/bot-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator, type LineEmulator } from './index.js';
import { CHANNEL, startTestHub, type TestHub } from './test-hub.js';

let emu: LineEmulator;
let hub: TestHub;
let client: messagingApi.MessagingApiClient;
let blob: messagingApi.MessagingApiBlobClient;

beforeAll(async () => {
  emu = await startLineEmulator();
  hub = await startTestHub();
  emu.addChannel({ ...CHANNEL, webhookUrl: hub.url });
  client = new messagingApi.MessagingApiClient({ channelAccessToken: CHANNEL.channelAccessToken, baseURL: emu.baseUrl });
  blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: CHANNEL.channelAccessToken, baseURL: emu.baseUrl });
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

describe('official SDK against the emulator', () => {
  it('receives a signed webhook that validateSignature accepts, then replies with the token', async () => {
    const alice = emu.customer(CHANNEL.channelId, undefined, { displayName: 'Alice' });
    const d = await alice.sendText('hello bot');
    expect(d).toMatchObject({ status: 200, attempts: 1 });
    const w = hub.received.at(-1);
    expect(w).toBeDefined();
    if (w === undefined) return;
    const sig = String(w.headers['x-line-signature']);
    expect(validateSignature(w.raw.toString('utf8'), CHANNEL.channelSecret, sig)).toBe(true);
    expect(validateSignature(w.raw.toString('utf8'), 'f'.repeat(32), sig)).toBe(false);
    expect(w.headers['user-agent']).toBe('LineBotWebhook/2.0');
    expect(w.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(w.json.destination).toBe(CHANNEL.botUserId);

    const res = await client.replyMessage({ replyToken: d.replyToken ?? '', messages: [{ type: 'text', text: 'hi Alice' }] });
    expect(res.sentMessages).toHaveLength(1);
    expect(res.sentMessages[0]?.id).toMatch(/^\d+$/);
    expect(res.sentMessages[0]?.quoteToken).toBeTypeOf('string');
    const inbox = await alice.waitForInbox(1);
    expect(inbox[0]).toMatchObject({ via: 'reply', message: { type: 'text', text: 'hi Alice' } });
  });

  it('pushes once per retry key: the repeat answers 409 with the first request id', async () => {
    const bob = emu.customer(CHANNEL.channelId);
    const key = randomUUID();
    const req = { to: bob.userId, messages: [{ type: 'text' as const, text: 'your order shipped' }] };
    const first = await client.pushMessageWithHttpInfo(req, key);
    expect(first.body.sentMessages).toHaveLength(1);
    const firstId = first.httpResponse.headers.get('x-line-request-id');
    expect(firstId).toMatch(/^[0-9a-f-]{36}$/);

    const err = await client.pushMessage(req, key).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPFetchError);
    if (!(err instanceof HTTPFetchError)) return;
    expect(err.status).toBe(409);
    expect(err.headers.get('x-line-accepted-request-id')).toBe(firstId);
    expect(JSON.parse(err.body)).toMatchObject({ message: 'The retry key is already accepted', sentMessages: first.body.sentMessages });
    expect(bob.inbox()).toHaveLength(1);
    expect(bob.inbox()[0]).toMatchObject({ via: 'push', requestId: firstId });

    await client.pushMessage(req, randomUUID());
    expect(bob.inbox()).toHaveLength(2);
  });

  it('gets a profile, bot info, and shows the loading animation', async () => {
    const carol = emu.customer(CHANNEL.channelId, `U${'c'.repeat(32)}`, { displayName: 'Carol', language: 'ja' });
    expect(await client.getProfile(carol.userId)).toEqual({ userId: carol.userId, displayName: 'Carol', language: 'ja' });
    const missing = await client.getProfile(`U${'0'.repeat(32)}`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HTTPFetchError);
    expect((missing as HTTPFetchError).status).toBe(404);
    expect(await client.showLoadingAnimation({ chatId: carol.userId, loadingSeconds: 10 })).toEqual({});
    expect(await client.getBotInfo()).toMatchObject({ userId: CHANNEL.botUserId, chatMode: 'bot' });
  });

  it('downloads what a customer sent with the blob client', async () => {
    const dave = emu.customer(CHANNEL.channelId);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const d = await dave.sendImage(png, 'image/png');
    expect(d.messageId).toMatch(/^\d+$/);
    expect(await readAll(await blob.getMessageContent(d.messageId ?? ''))).toEqual(png);
    const status = await blob.getMessageContentTranscodingByMessageId(d.messageId ?? '');
    expect(status).toEqual({ status: 'succeeded' });
  });

  it('sets, reads and tests the webhook endpoint like the console', async () => {
    await client.setWebhookEndpoint({ endpoint: hub.url });
    expect(await client.getWebhookEndpoint()).toEqual({ endpoint: hub.url, active: true });
    const before = hub.received.length;
    const t = await client.testWebhookEndpoint({});
    expect(t).toMatchObject({ success: true, statusCode: 200, reason: 'OK', detail: '200' });
    const w = hub.received[before];
    expect(w?.json).toEqual({ destination: CHANNEL.botUserId, events: [] });
    expect(validateSignature(w?.raw.toString('utf8') ?? '', CHANNEL.channelSecret, String(w?.headers['x-line-signature']))).toBe(true);
    const down = await client.testWebhookEndpoint({ endpoint: 'http://127.0.0.1:1/nothing' });
    expect(down).toMatchObject({ success: false, statusCode: 0, reason: 'COULD_NOT_CONNECT' });
  });

  it('rejects a wrong token with LINE\'s 401', async () => {
    const bad = new messagingApi.MessagingApiClient({ channelAccessToken: 'nope', baseURL: emu.baseUrl });
    const err = await bad.getBotInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPFetchError);
    expect((err as HTTPFetchError).status).toBe(401);
    expect(JSON.parse((err as HTTPFetchError).body)).toEqual({
      message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
    });
  });
});
