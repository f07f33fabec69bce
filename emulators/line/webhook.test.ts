/** Webhook events match webhook.yml; failed deliveries are redelivered like LINE. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator, type LineEmulator } from './index.js';
import { loadLineSpec } from './spec.js';
import { createSpecValidator } from './spec-validator.js';
import { CHANNEL, startTestHub, type TestHub } from './test-hub.js';

const webhookSpec = createSpecValidator(loadLineSpec('webhook.yml'), 'line-webhook');
let emu: LineEmulator;
let hub: TestHub;

beforeAll(async () => {
  emu = await startLineEmulator({ webhookRetryDelayMs: 20 });
  hub = await startTestHub();
  emu.addChannel({ ...CHANNEL, webhookUrl: hub.url });
});
afterEach(() => {
  hub.respondWith([]);
  emu.setWebhookUrl(CHANNEL.channelId, hub.url);
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

describe('webhook events', () => {
  it('sends every kind of event in the shape webhook.yml describes', async () => {
    const c = emu.customer(CHANNEL.channelId);
    const deliveries = [
      await c.follow(),
      await c.sendText('hi'),
      await c.sendImage(Buffer.from('img')),
      await c.sendVideo(Buffer.from('vid'), 1500),
      await c.sendAudio(Buffer.from('aud'), 900),
      await c.sendFile(Buffer.from('file!'), 'invoice.pdf'),
      await c.sendLocation({ title: 'Shop', address: '1-1 Tokyo', latitude: 35.6, longitude: 139.7 }),
      await c.sendSticker('446', '1988'),
      await c.postback('action=buy&item=1'),
      await c.unsend('123'),
      await c.unfollow(),
    ];
    expect(deliveries.every((d) => d.status === 200 && d.attempts === 1)).toBe(true);
    const bodies = hub.received.slice(-deliveries.length).map((w) => w.json);
    for (const body of bodies) expect(webhookSpec.validate('CallbackRequest', body)).toEqual([]);
    const events = bodies.map((b) => b.events[0] ?? {});
    expect(events.map((e) => e['type'])).toEqual([
      'follow', 'message', 'message', 'message', 'message', 'message', 'message', 'message', 'postback', 'unsend', 'unfollow',
    ]);
    const text = events[1] ?? {};
    expect(text).toMatchObject({
      mode: 'active',
      source: { type: 'user', userId: c.userId },
      deliveryContext: { isRedelivery: false },
      message: { type: 'text', text: 'hi', id: deliveries[1]?.messageId },
      replyToken: deliveries[1]?.replyToken,
    });
    expect(text['webhookEventId']).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(text['replyToken']).toMatch(/^[0-9a-f]{32}$/);
    expect(events[3]).toMatchObject({ message: { type: 'video', duration: 1500, contentProvider: { type: 'line' } } });
    expect(events[5]).toMatchObject({ message: { type: 'file', fileName: 'invoice.pdf', fileSize: 5 } });
    expect(events[7]).toMatchObject({ message: { type: 'sticker', packageId: '446', stickerId: '1988', stickerResourceType: 'STATIC' } });
    expect(events[10]).not.toHaveProperty('replyToken');
    const again = await c.follow();
    expect(again.event).toMatchObject({ type: 'follow', follow: { isUnblocked: true } });
  });

  it('redelivers after a 500 with isRedelivery true and the same webhookEventId', async () => {
    hub.respondWith([500, 500]);
    const before = hub.received.length;
    const d = await emu.customer(CHANNEL.channelId).sendText('are you there?');
    expect(d).toMatchObject({ status: 200, attempts: 3 });
    const [a, b, c] = hub.received.slice(before).map((w) => w.json.events[0] ?? {});
    expect(a?.['deliveryContext']).toEqual({ isRedelivery: false });
    expect(b?.['deliveryContext']).toEqual({ isRedelivery: true });
    expect(c?.['deliveryContext']).toEqual({ isRedelivery: true });
    expect(new Set([a, b, c].map((e) => e?.['webhookEventId'])).size).toBe(1);
    expect(d.event['deliveryContext']).toEqual({ isRedelivery: true });
  });

  it('gives up after 3 attempts and reports the last status, 0 when nothing answers', async () => {
    hub.respondWith([503, 503, 502]);
    expect(await emu.customer(CHANNEL.channelId).sendText('x')).toMatchObject({ status: 502, attempts: 3 });
    emu.setWebhookUrl(CHANNEL.channelId, 'http://127.0.0.1:1/down');
    const down = await emu.customer(CHANNEL.channelId).sendText('x');
    expect(down).toMatchObject({ status: 0, attempts: 3 });
    expect(down.error).toBeTypeOf('string');
  });

  it('quotes a bot message when the customer replies to it', async () => {
    const c = emu.customer(CHANNEL.channelId);
    const res = await fetch(`${emu.baseUrl}/v2/bot/message/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CHANNEL.channelAccessToken}` },
      body: JSON.stringify({ to: c.userId, messages: [{ type: 'text', text: 'Which size?' }] }),
    });
    const sent = ((await res.json()) as { sentMessages: Array<{ id: string; quoteToken: string }> }).sentMessages[0];
    const d = await c.sendText('Large', { quoteToken: sent?.quoteToken ?? '' });
    expect(d.event).toMatchObject({ message: { text: 'Large', quotedMessageId: sent?.id } });
  });
});
