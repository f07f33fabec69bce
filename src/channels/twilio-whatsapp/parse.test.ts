import { describe, expect, it } from 'vitest';
import { WebhookParseError, type InboundEvent, type RawWebhook } from '../adapter.js';
import { mapTwilioStatus, mediaKindOf, parseTwilioWebhook } from './parse.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const BASE = 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1';
const SID = 'SM0123456789abcdef0123456789abcdef';

/** What Twilio posts for an incoming WhatsApp text (captured field set). */
const INBOUND = {
  SmsMessageSid: SID,
  NumMedia: '0',
  ProfileName: 'Ana García',
  MessageType: 'text',
  SmsSid: SID,
  WaId: '15551234567',
  SmsStatus: 'received',
  Body: 'Hello, my order is late',
  To: 'whatsapp:+14155238886',
  NumSegments: '1',
  ReferralNumMedia: '0',
  MessageSid: SID,
  AccountSid: ACCOUNT,
  From: 'whatsapp:+15551234567',
  ApiVersion: '2010-04-01',
};

function hook(params: Record<string, string> | string, url = BASE, headers: Record<string, string> = {}): RawWebhook {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return { url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: Buffer.from(body) };
}

function parse(params: Record<string, string>, url = BASE, headers: Record<string, string> = {}): InboundEvent[] {
  return parseTwilioWebhook(hook(params, url, headers), NOW);
}

const user = { id: '+15551234567', displayName: 'Ana García' };

describe('parseTwilioWebhook: incoming messages', () => {
  it('text', () => {
    expect(parse(INBOUND)).toEqual([
      {
        type: 'message',
        eventId: SID,
        providerMessageId: SID,
        at: new Date(NOW),
        user,
        address: '+14155238886',
        content: { kind: 'text', text: 'Hello, my order is late' },
        raw: INBOUND,
      },
    ]);
  });

  it('two media items: one event each, the body as the caption of the first', () => {
    const params = {
      ...INBOUND,
      MessageType: 'image',
      Body: 'the receipt and the box',
      NumMedia: '2',
      MediaContentType0: 'image/jpeg',
      MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${SID}/Media/ME0`,
      MediaContentType1: 'application/pdf',
      MediaUrl1: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${SID}/Media/ME1`,
    };
    const events = parse(params);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'message',
      eventId: SID,
      providerMessageId: SID,
      user,
      address: '+14155238886',
      content: { kind: 'image', caption: 'the receipt and the box', media: { providerRef: params.MediaUrl0, contentType: 'image/jpeg' } },
      raw: params,
    });
    expect(events[1]).toMatchObject({
      type: 'message',
      eventId: `${SID}#1`,
      providerMessageId: `${SID}#1`,
      content: { kind: 'file', media: { providerRef: params.MediaUrl1, contentType: 'application/pdf' } },
    });
    expect(events[1]?.type === 'message' && 'caption' in events[1].content).toBe(false);
  });

  it.each([
    ['image/png', 'image'],
    ['video/mp4', 'video'],
    ['audio/ogg', 'audio'],
    ['AUDIO/OGG; codecs=opus', 'audio'],
    ['application/pdf', 'file'],
    ['text/vcard', 'file'],
    [undefined, 'file'],
  ] as const)('media kind of %s is %s', (type, kind) => {
    expect(mediaKindOf(type)).toBe(kind);
  });

  it('a media message without a body has no caption', () => {
    const [event] = parse({ ...INBOUND, Body: '', NumMedia: '1', MediaContentType0: 'audio/ogg', MediaUrl0: 'https://api.twilio.com/m/ME0' });
    expect(event).toMatchObject({ type: 'message', content: { kind: 'audio', media: { providerRef: 'https://api.twilio.com/m/ME0' } } });
    expect(event?.type === 'message' && 'caption' in event.content).toBe(false);
  });

  it('location with address and label', () => {
    const params = { ...INBOUND, MessageType: 'location', Body: '', Latitude: '37.7879277', Longitude: '-122.3937508', Address: '375 Beale St, San Francisco', Label: 'Twilio HQ' };
    expect(parse(params)).toEqual([
      expect.objectContaining({
        type: 'message',
        eventId: SID,
        content: { kind: 'location', latitude: 37.7879277, longitude: -122.3937508, address: '375 Beale St, San Francisco', title: 'Twilio HQ' },
        raw: params,
      }),
    ]);
  });

  it('location without address and label', () => {
    const [event] = parse({ ...INBOUND, MessageType: 'location', Body: '', Latitude: '1.5', Longitude: '2.25' });
    expect(event).toMatchObject({ type: 'message', content: { kind: 'location', latitude: 1.5, longitude: 2.25 } });
  });

  it('a quick-reply button: a postback with the payload and the label', () => {
    const params = {
      ...INBOUND,
      MessageType: 'button',
      Body: 'Yes, reschedule',
      ButtonText: 'Yes, reschedule',
      ButtonPayload: 'reschedule:yes',
      OriginalRepliedMessageSender: 'whatsapp:+14155238886',
      OriginalRepliedMessageSid: 'SMtemplate0000000000000000000000',
    };
    expect(parse(params)).toEqual([
      { type: 'postback', eventId: SID, at: new Date(NOW), user, address: '+14155238886', data: 'reschedule:yes', label: 'Yes, reschedule', raw: params },
    ]);
  });

  it('a button without a payload: the text is the data', () => {
    const [event] = parse({ ...INBOUND, MessageType: 'button', ButtonText: 'Stop' });
    expect(event).toMatchObject({ type: 'postback', data: 'Stop', label: 'Stop' });
  });

  it('a list pick: a postback with the item id and title', () => {
    const [event] = parse({ ...INBOUND, MessageType: 'interactive', Body: 'Blue', ListId: 'colour_blue', ListTitle: 'Blue' });
    expect(event).toMatchObject({ type: 'postback', data: 'colour_blue', label: 'Blue' });
  });

  it('a reply quoting a business message', () => {
    const [event] = parse({ ...INBOUND, Body: 'this one', OriginalRepliedMessageSid: 'SMquoted', OriginalRepliedMessageSender: 'whatsapp:+14155238886' });
    expect(event).toMatchObject({ type: 'message', content: { kind: 'text', text: 'this one' }, replyToProviderMessageId: 'SMquoted' });
  });

  it('a reply with media carries the quote on every item', () => {
    const events = parse({
      ...INBOUND,
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/m/0',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/m/1',
      MediaContentType1: 'image/jpeg',
      OriginalRepliedMessageSid: 'SMquoted',
    });
    expect(events.map((e) => (e.type === 'message' ? e.replyToProviderMessageId : undefined))).toEqual(['SMquoted', 'SMquoted']);
  });

  it('a profile without a name', () => {
    const params: Record<string, string> = { ...INBOUND };
    delete params['ProfileName'];
    const [event] = parse(params);
    expect(event?.type === 'message' ? event.user : undefined).toEqual({ id: '+15551234567' });
  });

  it('keeps unknown fields in raw and the idempotency token header', () => {
    const params = { ...INBOUND, FutureField: 'x', ReferralCtwaClid: 'abc', ChannelMetadata: '{"type":"whatsapp"}' };
    const [event] = parse(params, BASE, { 'i-twilio-idempotency-token': 'token-123' });
    expect(event?.raw).toEqual({ ...params, 'i-twilio-idempotency-token': 'token-123' });
    expect(event).toMatchObject({ type: 'message', eventId: SID });
  });

  it('repeated parameters become a list in raw', () => {
    const body = `${new URLSearchParams(INBOUND).toString()}&Tag=a&Tag=b`;
    const [event] = parseTwilioWebhook(hook(body), NOW);
    expect(event?.raw).toMatchObject({ Tag: ['a', 'b'] });
  });

  it('a message with nothing we understand (reaction, unsupported type) is unknown, not an error', () => {
    const [event] = parse({ ...INBOUND, MessageType: 'reaction', Body: '' });
    expect(event).toMatchObject({ type: 'unknown', eventType: 'message.reaction', eventId: SID, user });
  });

  it('NumMedia larger than the media sent only yields the media that are there', () => {
    const events = parse({ ...INBOUND, NumMedia: '3', MediaUrl0: 'https://api.twilio.com/m/0', MediaContentType0: 'video/mp4' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ content: { kind: 'video' } });
  });

  it('no Content-Type header is read as a form', () => {
    const raw: RawWebhook = { url: BASE, headers: {}, body: Buffer.from(new URLSearchParams(INBOUND).toString()) };
    expect(parseTwilioWebhook(raw, NOW)).toHaveLength(1);
  });
});

describe('parseTwilioWebhook: status callbacks', () => {
  const STATUS = {
    ChannelPrefix: 'whatsapp',
    ApiVersion: '2010-04-01',
    MessageStatus: 'delivered',
    SmsSid: SID,
    SmsStatus: 'delivered',
    ChannelInstallSid: 'XE0123',
    To: 'whatsapp:+15551234567',
    From: 'whatsapp:+14155238886',
    MessageSid: SID,
    StructuredMessage: 'false',
    AccountSid: ACCOUNT,
    ChannelToAddress: '+15551234XXX',
  };
  const statusUrl = `${BASE}/status?m=msg_42`;

  it.each([
    ['queued', 'queued'],
    ['accepted', 'queued'],
    ['scheduled', 'queued'],
    ['sending', 'sent'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['failed', 'failed'],
    ['undelivered', 'failed'],
    ['canceled', 'failed'],
  ] as const)('%s → %s', (twilio, ours) => {
    const params = { ...STATUS, MessageStatus: twilio, SmsStatus: twilio };
    expect(parse(params, statusUrl)).toEqual([
      {
        type: 'status',
        eventId: `${SID}:${twilio}`,
        providerMessageId: SID,
        status: ours,
        messageRef: 'msg_42',
        at: new Date(NOW),
        address: '+14155238886',
        raw: params,
      },
    ]);
    expect(mapTwilioStatus(twilio)).toBe(ours);
  });

  it('a failure carries the error code and message', () => {
    const params = { ...STATUS, MessageStatus: 'failed', SmsStatus: 'failed', ErrorCode: '63016', ErrorMessage: 'Outside the allowed window' };
    expect(parse(params, statusUrl)[0]).toMatchObject({ type: 'status', status: 'failed', errorCode: '63016', errorMessage: 'Outside the allowed window' });
  });

  it('without ?m= there is no messageRef', () => {
    const [event] = parse(STATUS, `${BASE}/status`);
    expect(event).toMatchObject({ type: 'status', status: 'delivered' });
    expect(event && 'messageRef' in event).toBe(false);
  });

  it('the path decides: a status callback with a Body is still a status callback', () => {
    const [event] = parse({ ...STATUS, Body: 'echo', NumMedia: '0' }, `${BASE}/status`);
    expect(event).toMatchObject({ type: 'status', status: 'delivered' });
  });

  it('on the main URL, MessageStatus without a Body or NumMedia is a status callback', () => {
    expect(parse(STATUS, BASE)[0]).toMatchObject({ type: 'status', status: 'delivered', providerMessageId: SID });
  });

  it('on the main URL, an incoming message that also says SmsStatus=received is a message', () => {
    expect(parse({ ...INBOUND, MessageStatus: 'received' })[0]).toMatchObject({ type: 'message' });
  });

  it('a status we do not track is unknown, not an error', () => {
    const [event] = parse({ ...STATUS, MessageStatus: 'partially_delivered' }, `${BASE}/status`);
    expect(event).toMatchObject({ type: 'unknown', eventType: 'status.partially_delivered', eventId: `${SID}:partially_delivered` });
  });

  it('keeps unknown fields of a status callback in raw', () => {
    const params = { ...STATUS, NewThing: '1' };
    expect(parse(params, `${BASE}/status`)[0]?.raw).toEqual(params);
  });
});

describe('parseTwilioWebhook: not a Twilio messaging webhook', () => {
  it.each([
    ['a JSON body', hook(JSON.stringify(INBOUND), BASE, { 'content-type': 'application/json' })],
    ['a JSON body without a content type', { url: BASE, headers: {}, body: Buffer.from(JSON.stringify(INBOUND)) }],
    ['a form without MessageSid', hook({ ...INBOUND, MessageSid: '', SmsMessageSid: '', SmsSid: '' })],
    ['a form without AccountSid', hook({ ...INBOUND, AccountSid: '' })],
    ['an empty body', hook('')],
    ['garbage', hook('%%%not a form at all')],
    ['XML', hook('<Response/>', BASE, { 'content-type': 'text/xml' })],
  ] as Array<[string, RawWebhook]>)('%s', (_name, raw) => {
    expect(() => parseTwilioWebhook(raw, NOW)).toThrow(WebhookParseError);
  });
});
