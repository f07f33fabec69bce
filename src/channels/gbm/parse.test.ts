import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebhookParseError, type InboundEvent, type RawWebhook } from '../adapter.js';
import { isSignedImageUrl, parseGbmWebhook } from './parse.js';

const DIR = new URL('../../../protocols/gbm/bm-test-framework-payloads/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, DIR));
const fixtureJson = (name: string): Record<string, unknown> => JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;

function hook(body: string | Buffer): RawWebhook {
  return { url: 'https://hub.example.com/webhooks/gbm/acc_1', headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}
const parse = (body: unknown): InboundEvent[] => parseGbmWebhook(hook(JSON.stringify(body)));
function one(body: unknown): InboundEvent {
  const events = parse(body);
  expect(events).toHaveLength(1);
  return events[0]!;
}

/** What the test framework's context block normalizes to. */
const USER = { id: 'CONVERSATION_ID', displayName: 'USER_NAME', language: 'MATCH_OF_USER_AND_AGENT_LOCALES' };
const CONTEXT = {
  entryPoint: 'CONVERSATION_ENTRYPOINT',
  placeId: 'LOCATION_PLACE_ID',
  resolvedLocale: 'MATCH_OF_USER_AND_AGENT_LOCALES',
  userDeviceLocale: 'USER_LOCALE',
};
const SIGNED_URL =
  'https://storage.googleapis.com/business-messages-us/936640919331/jzsu6cdguNGsBhmGJGuLs1DS?x-goog-algorithm=GOOG4-RSA-SHA256&x-goog-credential=uranium%40rcs-uranium.iam.gserviceaccount.com%2F20190826%2Fauto%2Fstorage%2Fgoog4_request&x-goog-date=20190826T201038Z&x-goog-expires=604800&x-goog-signedheaders=host&x-goog-signature=89dbf7a74d21ab42ad25be071b37840a544a43d68e67270382054e1442d375b0b53d15496dbba12896b9d88a6501cac03b5cfca45d789da3e0cae75b050a89d8f54c1ffb27e467bd6ba1d146b7d42e30504c295c5c372a46e44728f554ba74b7b99bd9c6d3ed45f18588ed1b04522af1a47330cff73a711a6a8c65bb15e3289f480486f6695127e1014727cac949e284a7f74afd8220840159c589d48dddef1cc97b248dfc34802570448242eac4d7190b1b10a008404a330b4ff6f9656fa84e87f9a18ab59dc9b91e54ad11ffdc0ad1dc9d1ccc7855c0d263d93fce6f999971ec79879f922b582cf3bb196a1fedc3eefa226bb412e49af7dfd91cc072608e98';

/** Every example payload of Google's business-messages-test-framework, and what it becomes. */
const fixtures: Array<[file: string, expected: Array<Record<string, unknown>>]> = [
  ['text-message.json', [{ type: 'message', eventId: 'REQUEST_ID', providerMessageId: 'MESSAGE_ID', user: USER, context: CONTEXT, content: { kind: 'text', text: 'MESSAGE_TEXT' } }]],
  // Google's FAQ bot (Dialogflow) may have answered already; the customer's message is still a message, the answer stays in raw.
  ['text-with-dialogflow-response.json', [{ type: 'message', eventId: 'REQUEST_ID', providerMessageId: 'MESSAGE_ID', user: USER, context: CONTEXT, content: { kind: 'text', text: 'MESSAGE_TEXT' } }]],
  // An image is a message whose text is a signed Cloud Storage URL.
  ['image-message.json', [{ type: 'message', eventId: 'REQUEST_ID', providerMessageId: 'MESSAGE_ID', user: USER, context: CONTEXT, content: { kind: 'image', media: { providerRef: SIGNED_URL } } }]],
  ['suggestion-message.json', [{ type: 'postback', eventId: 'REQUEST_ID', user: USER, context: CONTEXT, data: 'POSTBACK_DATA', label: 'SUGGESTION_TEXT' }]],
  // Receipts carry no requestId: the id names the receipt itself, so a redelivery is stored once.
  ['read-receipt.json', [{ type: 'status', eventId: 'receipt:conversations/CONVERSATION_ID/messages/MESSAGE_ID:READ', providerMessageId: 'MESSAGE_ID', status: 'read' }]],
  ['user-receipt.json', [{ type: 'status', eventId: 'receipt:conversations/CONVERSATION_ID/messages/MESSAGE_ID:DELIVERED', providerMessageId: 'MESSAGE_ID', status: 'delivered' }]],
  // The template's flags say "BOOLEAN": neither true nor false, so nothing can be concluded (real payloads are tested below).
  ['event-receive.json', [{ type: 'unknown', eventType: 'userStatus', eventId: 'REQUEST_ID', user: { id: 'CONVERSATION_ID' } }]],
  // OAuth sign-in suggestions are not used by Switchboard.
  ['authentication-request.json', [{ type: 'unknown', eventType: 'authenticationResponse', eventId: 'REQUEST_ID', user: USER, context: CONTEXT }]],
];

describe('parseGbmWebhook: the test-framework payloads', () => {
  it('covers every example file', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
    expect(fixtures.map(([f]) => f).sort()).toEqual(files);
  });

  it.each(fixtures)('%s', (file, expected) => {
    const events = parseGbmWebhook(hook(fixture(file)));
    expect(events).toHaveLength(expected.length);
    events.forEach((e, i) => {
      expect(e).toMatchObject(expected[i]!);
      expect(e.raw).toEqual(fixtureJson(file));
      expect(e.at).toBeInstanceOf(Date);
      expect(Number.isNaN(e.at.getTime())).toBe(false);
    });
  });

  it('keeps the exact user of each example (no context → no name, no language)', () => {
    const [typing] = parseGbmWebhook(hook(fixture('event-receive.json')));
    expect(typing && 'user' in typing ? typing.user : undefined).toEqual({ id: 'CONVERSATION_ID' });
    expect(typing?.context).toBeUndefined();
    const [receipt] = parseGbmWebhook(hook(fixture('read-receipt.json')));
    expect(receipt && 'user' in receipt).toBe(false);
  });
});

const base = {
  agent: 'brands/b1/agents/a1',
  conversationId: 'c-123',
  customAgentId: '',
  requestId: 'r-1',
  sendTime: '2024-03-01T10:00:01.000000Z',
};
const context = {
  entryPoint: 'PLACESHEET',
  placeId: 'ChIJ_place',
  nearPlaceId: 'ChIJ_near',
  widgetId: 'w-7',
  resolvedLocale: 'en',
  userInfo: { displayName: 'Ada Lovelace', userDeviceLocale: 'en-GB' },
};
const message = (m: Record<string, unknown>) => ({ ...base, context, message: { messageId: 'm-1', name: 'conversations/c-123/messages/m-1', createTime: '2024-03-01T10:00:00.500Z', ...m } });

describe('parseGbmWebhook: messages', () => {
  it('maps user, language, context and time of a text message', () => {
    expect(one(message({ text: 'Hello' }))).toEqual({
      type: 'message',
      eventId: 'r-1',
      at: new Date('2024-03-01T10:00:00.500Z'),
      raw: message({ text: 'Hello' }),
      user: { id: 'c-123', displayName: 'Ada Lovelace', language: 'en' },
      context: { entryPoint: 'PLACESHEET', placeId: 'ChIJ_place', nearPlaceId: 'ChIJ_near', widgetId: 'w-7', resolvedLocale: 'en', userDeviceLocale: 'en-GB' },
      providerMessageId: 'm-1',
      content: { kind: 'text', text: 'Hello' },
    });
  });

  it('falls back to the device locale, keeps only the context keys present', () => {
    const e = one({ ...base, context: { entryPoint: 'MAPS', resolvedLocale: '', userInfo: { userDeviceLocale: 'fr-FR' } }, message: { messageId: 'm', text: 'Salut' } });
    expect(e).toMatchObject({ user: { id: 'c-123', language: 'fr-FR' }, context: { entryPoint: 'MAPS', userDeviceLocale: 'fr-FR' } });
    expect(Object.keys(e.context ?? {}).sort()).toEqual(['entryPoint', 'userDeviceLocale']);
    expect(e.type === 'message' ? e.user.displayName : 'not a message').toBeUndefined();
  });

  it('uses the message id when there is no requestId, the name when there is no messageId', () => {
    const { requestId: _r, ...noRequest } = base;
    expect(one({ ...noRequest, message: { messageId: 'm-9', text: 'x' } })).toMatchObject({ eventId: 'm-9', providerMessageId: 'm-9' });
    expect(one({ ...base, message: { name: 'conversations/c-123/messages/m-8', text: 'x' } })).toMatchObject({ providerMessageId: 'm-8' });
  });

  it('dates a message by sendTime when createTime is missing, and by now when neither parses', () => {
    expect(one({ ...base, message: { messageId: 'm', text: 'x' } }).at).toEqual(new Date('2024-03-01T10:00:01.000Z'));
    const before = Date.now();
    const at = one({ ...base, sendTime: 'SEND_TIME', message: { messageId: 'm', text: 'x' } }).at.getTime();
    expect(at).toBeGreaterThanOrEqual(before);
  });

  it.each([
    ['a Google signed URL', SIGNED_URL],
    ['a gateway URL with V4 signing parameters', 'http://127.0.0.1:4567/media/abc?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=ab12'],
    ['a business-messages bucket URL', 'https://storage.googleapis.com/business-messages-eu/1/abc'],
  ])('reads %s as an image', (_name, url) => {
    expect(one(message({ text: url }))).toMatchObject({ type: 'message', content: { kind: 'image', media: { providerRef: url } } });
  });

  it.each([
    ['an ordinary link', 'https://example.com/photo.jpg'],
    ['a link with words around it', `look ${SIGNED_URL}`],
    ['a storage URL of another bucket without signature', 'https://storage.googleapis.com/my-bucket/a.png'],
    ['a signed URL on plain http for a Google host without signature params', 'http://storage.googleapis.com/other/a.png'],
  ])('keeps %s as text', (_name, text) => {
    expect(one(message({ text }))).toMatchObject({ type: 'message', content: { kind: 'text', text } });
  });

  it('reads message.image.contentInfo (compatible gateways) as an image with its alt text', () => {
    const e = one(message({ image: { contentInfo: { fileUrl: 'https://gw.example/m/1.png', altText: 'a receipt' } } }));
    expect(e).toMatchObject({ content: { kind: 'image', media: { providerRef: 'https://gw.example/m/1.png' }, caption: 'a receipt' } });
  });

  it('isSignedImageUrl refuses what is not a URL', () => {
    expect(isSignedImageUrl('https://')).toBe(false);
    expect(isSignedImageUrl('ftp://storage.googleapis.com/business-messages-us/x')).toBe(false);
  });
});

describe('parseGbmWebhook: suggestion taps, user status', () => {
  it('maps a suggestion response to a postback', () => {
    const e = one({ ...base, context, suggestionResponse: { message: 'conversations/c-123/messages/x', postbackData: 'book:tomorrow', text: 'Tomorrow', createTime: '2024-03-01T10:00:00Z', suggestionType: 'REPLY' } });
    expect(e).toMatchObject({ type: 'postback', eventId: 'r-1', data: 'book:tomorrow', label: 'Tomorrow', user: { id: 'c-123' }, at: new Date('2024-03-01T10:00:00Z') });
  });

  it.each([
    [{ isTyping: true }, { type: 'typing', isTyping: true }],
    [{ isTyping: false }, { type: 'typing', isTyping: false }],
    [{ isTyping: 'true' }, { type: 'typing', isTyping: true }],
    [{ requestedLiveAgent: true }, { type: 'escalate' }],
    [{ requestedLiveAgent: true, isTyping: false }, { type: 'escalate' }],
    [{ requestedLiveAgent: false, isTyping: true }, { type: 'typing', isTyping: true }],
    [{ requestedLiveAgent: false }, { type: 'unknown', eventType: 'userStatus' }],
    [{}, { type: 'unknown', eventType: 'userStatus' }],
  ])('userStatus %j', (status, expected) => {
    const e = one({ ...base, userStatus: { ...status, createTime: '2024-03-01T10:00:00Z' } });
    expect(e).toMatchObject({ ...expected, eventId: 'r-1', user: { id: 'c-123' } });
  });

  it('maps the event-receive example with real booleans', () => {
    const typing = fixtureJson('event-receive.json');
    typing.userStatus = { isTyping: true, createTime: 'CREATION_TIME' };
    expect(one(typing)).toMatchObject({ type: 'typing', isTyping: true, eventId: 'REQUEST_ID', user: { id: 'CONVERSATION_ID' } });
    typing.userStatus = { requestedLiveAgent: true, createTime: 'CREATION_TIME' };
    expect(one(typing)).toMatchObject({ type: 'escalate', eventId: 'REQUEST_ID', user: { id: 'CONVERSATION_ID' } });
  });
});

describe('parseGbmWebhook: receipts', () => {
  const receipt = (message: string, receiptType: string) => ({ message, receiptType });

  it('makes one status event per receipt, with ids from the requestId', () => {
    const events = parse({
      ...base,
      receipts: {
        receipts: [receipt('conversations/c-123/messages/out-1', 'DELIVERED'), receipt('conversations/c-123/messages/out-1', 'READ'), receipt('conversations/c-123/messages/out-2', 'READ')],
        createTime: '2024-03-01T10:05:00Z',
      },
    });
    expect(events.map((e) => [e.type, e.eventId, e.type === 'status' ? `${e.providerMessageId}:${e.status}` : ''])).toEqual([
      ['status', 'r-1:0', 'out-1:delivered'],
      ['status', 'r-1:1', 'out-1:read'],
      ['status', 'r-1:2', 'out-2:read'],
    ]);
    expect(events[0]!.at).toEqual(new Date('2024-03-01T10:05:00Z'));
  });

  it('maps receipts of an unknown type, for another conversation or malformed to unknown, the rest still counts', () => {
    const events = parse({
      ...base,
      receipts: {
        receipts: [
          receipt('conversations/c-123/messages/out-1', 'RECEIPT_TYPE_UNSPECIFIED'),
          receipt('conversations/OTHER/messages/out-1', 'READ'),
          receipt('out-1', 'READ'),
          { receiptType: 'READ' },
          receipt('conversations/c-123/messages/out-3', 'DELIVERED'),
        ],
      },
    });
    expect(events.map((e) => (e.type === 'unknown' ? e.eventType : e.type))).toEqual([
      'receipt.RECEIPT_TYPE_UNSPECIFIED',
      'receipt.READ',
      'receipt.READ',
      'receipt.(invalid)',
      'status',
    ]);
    expect(events.map((e) => e.eventId)).toEqual(['r-1:0', 'r-1:1', 'r-1:2', 'r-1:3', 'r-1:4']);
  });

  it('maps an empty or malformed receipts block to one unknown event', () => {
    expect(one({ ...base, receipts: { receipts: [] } })).toMatchObject({ type: 'unknown', eventType: 'receipts', eventId: 'r-1' });
    expect(one({ ...base, receipts: 'READ' })).toMatchObject({ type: 'unknown', eventType: 'receipts' });
  });
});

describe('parseGbmWebhook: anything else', () => {
  it.each([
    ['a survey response', { ...base, surveyResponse: { survey: 'conversations/c-123/surveys/s', rating: 5 } }, 'surveyResponse'],
    ['a message without text or image', { ...base, message: { messageId: 'm' } }, 'message'],
    ['a message without any id', { ...base, message: { text: 'x' } }, 'message'],
    ['a message that is not an object', { ...base, message: 'hello' }, 'message'],
    ['a message without conversation', { requestId: 'r', message: { messageId: 'm', text: 'x' } }, 'message'],
    ['a suggestion without postbackData', { ...base, suggestionResponse: { text: 'Yes' } }, 'suggestionResponse'],
    ['a user status that is not an object', { ...base, userStatus: true }, 'userStatus'],
    ['a body with no payload', { ...base }, '(unrecognized)'],
    ['an empty object', {}, '(unrecognized)'],
    ['a verification request that reached parse', { clientToken: 't', secret: 's' }, 'verification'],
    ['a wrongly typed envelope', { conversationId: 42, message: { messageId: 'm', text: 'x' } }, 'message'],
  ])('maps %s to unknown without throwing', (_name, body, eventType) => {
    expect(one(body)).toMatchObject({ type: 'unknown', eventType, raw: body });
  });

  it('derives a stable event id when the body has no requestId', () => {
    const body = { conversationId: 'c', surveyResponse: { rating: 1 } };
    const a = one(body);
    expect(a.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(one(JSON.parse(JSON.stringify(body))).eventId).toBe(a.eventId);
    expect(one({ ...body, surveyResponse: { rating: 2 } }).eventId).not.toBe(a.eventId);
  });

  it.each([
    ['malformed JSON', '{"message": {'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['a JSON string', '"message"'],
    ['JSON null', 'null'],
  ])('throws WebhookParseError for %s', (_name, body) => {
    expect(() => parseGbmWebhook(hook(body))).toThrow(WebhookParseError);
  });
});
