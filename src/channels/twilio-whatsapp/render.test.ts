import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../adapter.js';
import type { MessageContent } from '../../domain/message.js';
import { renderTwilioMessage, TwilioRenderError, whatsappAddress, type TwilioMessageParams } from './render.js';

const mediaUrl = (blobId: string) => `https://hub.example.com/media/${blobId}?sig=abc`;
const SERVICE = 'MG0123456789abcdef0123456789abcdef';
const CONTENT_SID = 'HX0123456789abcdef0123456789abcdef';
const CALLBACK = 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1/status?m=msg_1';

type Message = Pick<OutboundMessage, 'recipient' | 'content' | 'mediaUrl' | 'address' | 'statusCallbackUrl'>;

function msg(content: MessageContent, extra: Partial<Message> = {}): Message {
  return { recipient: '+15551234567', content, mediaUrl, address: '+14155238886', ...extra };
}

const to = 'whatsapp:+15551234567';
const from = 'whatsapp:+14155238886';

const cases: Array<[name: string, message: Message, credentials: { messagingServiceSid?: string }, expected: TwilioMessageParams]> = [
  ['text', msg({ kind: 'text', text: 'Hello 👋' }), {}, { To: to, From: from, Body: 'Hello 👋' }],
  ['text of exactly 1600 chars', msg({ kind: 'text', text: 'a'.repeat(1600) }), {}, { To: to, From: from, Body: 'a'.repeat(1600) }],
  [
    'text with a status callback',
    msg({ kind: 'text', text: 'hi' }, { statusCallbackUrl: CALLBACK }),
    {},
    { To: to, From: from, Body: 'hi', StatusCallback: CALLBACK },
  ],
  [
    'image with caption',
    msg({ kind: 'image', media: { blobId: 'b1', contentType: 'image/jpeg' }, caption: 'your receipt' }),
    {},
    { To: to, From: from, Body: 'your receipt', MediaUrl: 'https://hub.example.com/media/b1?sig=abc' },
  ],
  ['image without caption', msg({ kind: 'image', media: { blobId: 'b2' } }), {}, { To: to, From: from, MediaUrl: 'https://hub.example.com/media/b2?sig=abc' }],
  ['video', msg({ kind: 'video', media: { blobId: 'v1' } }), {}, { To: to, From: from, MediaUrl: 'https://hub.example.com/media/v1?sig=abc' }],
  ['audio', msg({ kind: 'audio', media: { blobId: 'a1' } }), {}, { To: to, From: from, MediaUrl: 'https://hub.example.com/media/a1?sig=abc' }],
  [
    'file with a blank caption',
    msg({ kind: 'file', media: { blobId: 'f1', fileName: 'invoice.pdf' }, caption: '  ' }),
    {},
    { To: to, From: from, MediaUrl: 'https://hub.example.com/media/f1?sig=abc' },
  ],
  [
    'template',
    msg({
      kind: 'template',
      templateId: 'tpl_1',
      name: 'order_update',
      language: 'en',
      providerTemplateId: CONTENT_SID,
      variables: { '1': 'Ana', '2': '#1234' },
      text: 'Hi Ana, your order #1234 has shipped',
    }),
    {},
    { To: to, From: from, ContentSid: CONTENT_SID, ContentVariables: '{"1":"Ana","2":"#1234"}' },
  ],
  [
    'template without variables',
    msg({ kind: 'template', templateId: 't', name: 'hello', language: 'en', providerTemplateId: CONTENT_SID, variables: {}, text: 'Hello' }),
    {},
    { To: to, From: from, ContentSid: CONTENT_SID, ContentVariables: '{}' },
  ],
  [
    'no business address: the messaging service sends',
    msg({ kind: 'text', text: 'hi' }, { address: undefined }),
    { messagingServiceSid: SERVICE },
    { To: to, MessagingServiceSid: SERVICE, Body: 'hi' },
  ],
  [
    'a business address wins over the messaging service',
    msg({ kind: 'text', text: 'hi' }),
    { messagingServiceSid: SERVICE },
    { To: to, From: from, Body: 'hi' },
  ],
  [
    'addresses already prefixed stay as they are',
    msg({ kind: 'text', text: 'hi' }, { recipient: 'whatsapp:+15551234567', address: 'whatsapp:+14155238886' }),
    {},
    { To: to, From: from, Body: 'hi' },
  ],
];

const refused: Array<[name: string, message: Message, reason: TwilioRenderError['reason'], credentials?: { messagingServiceSid?: string }]> = [
  ['text over 1600 chars', msg({ kind: 'text', text: 'a'.repeat(1601) }), 'too_long'],
  ['caption over 1600 chars', msg({ kind: 'image', media: { blobId: 'b' }, caption: 'a'.repeat(1601) }), 'too_long'],
  ['empty text', msg({ kind: 'text', text: '' }), 'empty'],
  ['no recipient', msg({ kind: 'text', text: 'hi' }, { recipient: ' ' }), 'empty'],
  ['template without a Content SID', msg({ kind: 'template', templateId: 't', name: 'n', language: 'en', variables: {}, text: 'x' }), 'missing_template'],
  ['image without a blob', msg({ kind: 'image', media: { providerRef: 'https://api.twilio.com/m' } }), 'missing_media'],
  ['image without a URL resolver', msg({ kind: 'image', media: { blobId: 'b1' } }, { mediaUrl: undefined }), 'missing_media'],
  ['location', msg({ kind: 'location', latitude: 1, longitude: 2 }), 'unsupported'],
  ['sticker', msg({ kind: 'sticker', packageId: '1', stickerId: '2' }), 'unsupported'],
  ['postback', msg({ kind: 'postback', data: 'a=1' }), 'unsupported'],
  ['event', msg({ kind: 'event', name: 'typing' }), 'unsupported'],
  ['no address and no messaging service', msg({ kind: 'text', text: 'hi' }, { address: undefined }), 'no_sender'],
];

// The official OpenAPI document: what we render must satisfy CreateMessageRequest.
const spec = parseYaml(readFileSync(new URL('../../../protocols/twilio/twilio_api_v2010.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, { post: { requestBody: { content: Record<string, { schema: Record<string, unknown> }> } } }>;
  components: { schemas: Record<string, unknown> };
};
const requestSchema = spec.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json']!.post.requestBody.content['application/x-www-form-urlencoded']!.schema;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'twilio', components: spec.components });
const validate = ajv.compile({ ...requestSchema, components: spec.components, additionalProperties: false });
/** Form values are strings; the schema types MediaUrl as an array of them. */
function asSpecShape(params: TwilioMessageParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, k === 'MediaUrl' ? [v] : v]));
}

describe('renderTwilioMessage', () => {
  it.each(cases)('%s', (_name, message, credentials, expected) => {
    const params = renderTwilioMessage(message, credentials);
    expect(params).toEqual(expected);
    const valid = validate(asSpecShape(params));
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(refused)('refuses %s', (_name, message, reason, credentials) => {
    let thrown: unknown;
    try {
      renderTwilioMessage(message, credentials);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TwilioRenderError);
    expect((thrown as TwilioRenderError).reason).toBe(reason);
  });

  it('the schema check has teeth (control)', () => {
    expect(validate({ To: to, ContentSid: 'HXnot-a-sid' })).toBe(false);
    expect(validate({ To: to, Bdy: 'typo' })).toBe(false);
    expect(validate({ From: from, Body: 'no To' })).toBe(false);
  });

  it('is pure: the same input gives the same output and the input is untouched', () => {
    const message = msg({ kind: 'text', text: 'same' }, { statusCallbackUrl: CALLBACK });
    const copy = structuredClone({ ...message, mediaUrl: undefined });
    expect(renderTwilioMessage(message)).toEqual(renderTwilioMessage(message));
    expect({ ...message, mediaUrl: undefined }).toEqual(copy);
  });

  it('whatsappAddress', () => {
    expect(whatsappAddress('+1555')).toBe('whatsapp:+1555');
    expect(whatsappAddress('whatsapp:+1555')).toBe('whatsapp:+1555');
  });
});
