import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebhookParseError, type InboundEvent, type RawWebhook } from '../adapter.js';
import { parseLineWebhook } from './parse.js';

const fixture = readFileSync(new URL('../../../protocols/line/line-bot-sdk-python.tests.v3.webhook.json', import.meta.url));

function hook(body: string | Buffer): RawWebhook {
  return { url: 'https://hub.example.com/webhooks/line/acc_1', headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

function one(event: unknown): InboundEvent {
  const [parsed] = parseLineWebhook(hook(JSON.stringify({ destination: 'Ubot', events: [event] })));
  if (!parsed) throw new Error('no event');
  return parsed;
}

const U = 'U206d25c2ea6bd87c17655609a1c37cb8';
const GROUP = 'Ca56f94637cc4347f90a25382909b24b9';
const ROOM = 'Ra8dbf4673c4c812cd491258042226c99';

/** What each of the 28 events of line-bot-sdk-python's webhook fixture normalizes to. */
const expected: Array<[index: number, type: InboundEvent['type'], detail: string, userId: string | undefined]> = [
  [0, 'message', 'text', U],
  [1, 'message', 'image', ROOM],
  [2, 'message', 'video', U],
  [3, 'message', 'audio', U],
  [4, 'message', 'location', U],
  [5, 'message', 'sticker', U],
  [6, 'follow', '', U],
  [7, 'unfollow', '', U],
  [8, 'unknown', 'join', GROUP],
  [9, 'unknown', 'leave', GROUP],
  [10, 'postback', '', U],
  [11, 'unknown', 'beacon', U],
  [12, 'unknown', 'beacon', U],
  [13, 'unknown', 'accountLink', U],
  [14, 'message', 'text', GROUP],
  [15, 'message', 'text', ROOM],
  [16, 'postback', '', U],
  [17, 'postback', '', U],
  [18, 'postback', '', U],
  [19, 'unknown', 'memberJoined', 'C4af4980629...'],
  [20, 'unknown', 'memberLeft', 'C4af4980629...'],
  [21, 'message', 'file', U],
  [22, 'unsend', '', GROUP],
  [23, 'unknown', 'videoPlayComplete', U],
  [24, 'message', 'image', U],
  [25, 'message', 'text', U],
  [26, 'unknown', 'messageEdited', U],
  [27, 'unknown', 'undefined', U],
];

describe('parseLineWebhook: the line-bot-sdk-python fixture', () => {
  const events = parseLineWebhook(hook(fixture));
  const raw = (JSON.parse(fixture.toString('utf8')) as { events: unknown[] }).events;

  it('parses all 28 events', () => {
    expect(raw).toHaveLength(28);
    expect(events).toHaveLength(28);
  });

  it.each(expected)('event %i → %s %s', (i, type, detail, userId) => {
    const e = events[i]!;
    expect(e.type).toBe(type);
    if (e.type === 'message') expect(e.content.kind).toBe(detail);
    if (e.type === 'unknown') expect(e.eventType).toBe(detail);
    expect('user' in e ? e.user?.id : undefined).toBe(userId);
    expect(e.eventId).toBe('testwebhookeventid');
    expect(e.raw).toEqual(raw[i]);
  });

  it('maps the details of each kind', () => {
    expect(events[0]).toMatchObject({
      type: 'message',
      providerMessageId: '325708',
      content: { kind: 'text', text: 'Hello, world' },
      replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA',
      at: new Date(1462629479859),
    });
    // External content: the provider ref is the URL to download from.
    expect(events[1]).toMatchObject({ content: { kind: 'image', media: { providerRef: 'https://example.com' } } });
    expect(events[2]).toMatchObject({
      content: { kind: 'video', media: { providerRef: 'https://example.com', durationMs: 60000 } },
    });
    expect(events[3]).toMatchObject({ content: { kind: 'audio', media: { durationMs: 60000 } } });
    expect(events[4]).toMatchObject({
      content: { kind: 'location', title: 'my location', address: 'Tokyo', latitude: 35.65910807942215, longitude: 139.70372892916203 },
    });
    expect(events[5]).toMatchObject({
      content: { kind: 'sticker', packageId: '1', stickerId: '1', keywords: ['Love You', 'Love'] },
    });
    expect(events[6]).toMatchObject({ type: 'follow', replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA' });
    expect(events[10]).toMatchObject({ type: 'postback', data: 'action=buyItem&itemId=123123&color=red' });
    expect(events[10]!.raw).toMatchObject({ postback: { params: { datetime: '2017-12-25T01:00' } } });
    // Group message: we answer the group; the speaker stays in raw.
    expect(events[14]!.raw).toMatchObject({ source: { userId: U } });
    expect(events[21]).toMatchObject({
      content: { kind: 'file', media: { providerRef: '325708', fileName: 'file.txt', size: 2138 } },
    });
    expect(events[22]).toMatchObject({ type: 'unsend', providerMessageId: '325708' });
    // LINE-hosted content: the provider ref is the message id.
    expect(events[24]).toMatchObject({ content: { kind: 'image', media: { providerRef: '354718705033693861' } } });
  });
});

describe('parseLineWebhook: envelope', () => {
  it('returns [] for the console Verify (no events)', () => {
    expect(parseLineWebhook(hook('{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[]}'))).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"events": ['],
    ['empty body', ''],
    ['JSON without events', '{"destination":"U1"}'],
    ['events not an array', '{"events":{}}'],
    ['a JSON array', '[]'],
    ['a JSON string', '"events"'],
  ])('throws WebhookParseError for %s', (_name, body) => {
    expect(() => parseLineWebhook(hook(body))).toThrow(WebhookParseError);
  });
});

describe('parseLineWebhook: single events', () => {
  const base = { mode: 'active', timestamp: 1700000000000, deliveryContext: { isRedelivery: false } };
  const user = { type: 'user', userId: 'U1' };

  it('maps quotedMessageId to replyToProviderMessageId', () => {
    const e = one({ ...base, type: 'message', webhookEventId: 'E1', source: user, message: { id: 'm2', type: 'text', text: 'yes', quoteToken: 'q', quotedMessageId: 'm1' } });
    expect(e).toMatchObject({ type: 'message', replyToProviderMessageId: 'm1', user: { id: 'U1' } });
  });

  it('treats a missing contentProvider as LINE-hosted', () => {
    const e = one({ ...base, type: 'message', webhookEventId: 'E1', source: user, message: { id: 'm9', type: 'video', duration: 1234 } });
    expect(e).toMatchObject({ content: { kind: 'video', media: { providerRef: 'm9', durationMs: 1234 } } });
  });

  it('derives a stable event id when webhookEventId is missing', () => {
    const event = { ...base, type: 'follow', source: user };
    const a = one(event);
    const b = one(JSON.parse(JSON.stringify(event)));
    expect(a.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.eventId).toBe(b.eventId);
    expect(one({ ...event, timestamp: 1 }).eventId).not.toBe(a.eventId);
  });

  it.each([
    ['an unknown message type', { type: 'message', source: user, message: { id: 'm', type: 'hologram' } }, 'message.hologram'],
    ['a message without message', { type: 'message', source: user }, 'message'],
    ['a things event', { type: 'things', source: user, things: { type: 'link', deviceId: 'd' } }, 'things'],
    ['a missing type', { source: user }, '(missing)'],
    ['a user source without userId', { type: 'follow', source: { type: 'user' } }, 'follow'],
    ['no source at all', { type: 'activated', chatControl: {} }, 'activated'],
    ['a postback without data', { type: 'postback', source: user, postback: {} }, 'postback'],
    ['an unsend without message id', { type: 'unsend', source: user, unsend: {} }, 'unsend'],
    ['a text without text', { type: 'message', source: user, message: { id: 'm', type: 'text' } }, 'message.text'],
    ['a wrongly typed field', { type: 'follow', source: user, timestamp: 'yesterday' }, 'follow'],
  ])('maps %s to unknown without throwing', (_name, event, eventType) => {
    expect(one({ ...base, webhookEventId: 'E', ...event })).toMatchObject({ type: 'unknown', eventType });
  });

  it('maps a non-object event to unknown', () => {
    expect(one(42)).toMatchObject({ type: 'unknown', eventType: '(invalid)', raw: 42 });
  });

  it('keeps several events in order', () => {
    const events = parseLineWebhook(
      hook(JSON.stringify({ events: [{ ...base, type: 'follow', webhookEventId: 'a', source: user }, { ...base, type: 'unfollow', webhookEventId: 'b', source: user }] })),
    );
    expect(events.map((e) => [e.type, e.eventId])).toEqual([
      ['follow', 'a'],
      ['unfollow', 'b'],
    ]);
  });
});
