import { describe, expect, it } from 'vitest';
import type { ConversationSignal, OutboundMessage } from '../adapter.js';
import {
  captionMessageId,
  GbmRenderError,
  renderGbmEvent,
  renderGbmMessage,
  renderGbmMessages,
  renderRepresentative,
  type GbmMessage,
  type GbmRenderErrorReason,
} from './render.js';

const mediaUrl = (blobId: string, variant?: 'preview') => `https://hub.example.com/media/${blobId}${variant ? `/${variant}` : ''}?sig=abc`;
const KEY = '7f8c1a52-3c43-4b8e-9d6e-0a1b2c3d4e5f';
const msg = (m: Partial<OutboundMessage> & Pick<OutboundMessage, 'content'>): OutboundMessage => ({
  idempotencyKey: KEY,
  recipient: 'conv-1',
  mediaUrl,
  ...m,
});
const ada = { type: 'human', displayName: 'Ada', avatarUrl: 'https://hub.example.com/avatars/ada.png' } as const;
const yesNo = [
  { text: 'Yes', postbackData: 'answer:yes' },
  { text: 'No', postbackData: 'answer:no' },
];

const cases: Array<[name: string, message: OutboundMessage, expected: GbmMessage]> = [
  [
    'text without representative: the business speaks as a bot',
    msg({ content: { kind: 'text', text: 'Hello 👋' } }),
    { messageId: KEY, representative: { representativeType: 'BOT' }, text: 'Hello 👋' },
  ],
  [
    'text from a human agent with avatar',
    msg({ content: { kind: 'text', text: 'Hi, I am Ada' }, representative: ada }),
    {
      messageId: KEY,
      representative: { representativeType: 'HUMAN', displayName: 'Ada', avatarImage: 'https://hub.example.com/avatars/ada.png' },
      text: 'Hi, I am Ada',
    },
  ],
  [
    'text from a named bot',
    msg({ content: { kind: 'text', text: 'Beep' }, representative: { type: 'bot', displayName: ' Helper ' } }),
    { messageId: KEY, representative: { representativeType: 'BOT', displayName: 'Helper' }, text: 'Beep' },
  ],
  [
    'a representative with blank name and avatar sends neither',
    msg({ content: { kind: 'text', text: 'x' }, representative: { type: 'human', displayName: '  ', avatarUrl: '' } }),
    { messageId: KEY, representative: { representativeType: 'HUMAN' }, text: 'x' },
  ],
  [
    'text with suggested replies and a fallback listing them',
    msg({ content: { kind: 'text', text: 'Shall we book?' }, representative: ada, suggestions: yesNo }),
    {
      messageId: KEY,
      representative: { representativeType: 'HUMAN', displayName: 'Ada', avatarImage: 'https://hub.example.com/avatars/ada.png' },
      text: 'Shall we book?',
      fallback: 'Shall we book?\n\n• Yes\n• No',
      suggestions: [{ reply: { text: 'Yes', postbackData: 'answer:yes' } }, { reply: { text: 'No', postbackData: 'answer:no' } }],
    },
  ],
  [
    'an empty suggestion list sends none',
    msg({ content: { kind: 'text', text: 'ok' }, suggestions: [] }),
    { messageId: KEY, representative: { representativeType: 'BOT' }, text: 'ok' },
  ],
  [
    'text of exactly 3072 characters',
    msg({ content: { kind: 'text', text: 'a'.repeat(3072) } }),
    { messageId: KEY, representative: { representativeType: 'BOT' }, text: 'a'.repeat(3072) },
  ],
  [
    'a long text with suggestions: no fallback when it would not fit',
    msg({ content: { kind: 'text', text: 'a'.repeat(3070) }, suggestions: yesNo }),
    {
      messageId: KEY,
      representative: { representativeType: 'BOT' },
      text: 'a'.repeat(3070),
      suggestions: [{ reply: { text: 'Yes', postbackData: 'answer:yes' } }, { reply: { text: 'No', postbackData: 'answer:no' } }],
    },
  ],
  [
    'image without caption',
    msg({ content: { kind: 'image', media: { blobId: 'b1', contentType: 'image/png' } } }),
    {
      messageId: KEY,
      representative: { representativeType: 'BOT' },
      image: { contentInfo: { fileUrl: mediaUrl('b1'), forceRefresh: false } },
      fallback: 'Image',
    },
  ],
  [
    'image with caption: alt text and fallback',
    msg({ content: { kind: 'image', media: { blobId: 'b2' }, caption: ' the receipt ' }, representative: ada }),
    {
      messageId: KEY,
      representative: { representativeType: 'HUMAN', displayName: 'Ada', avatarImage: 'https://hub.example.com/avatars/ada.png' },
      image: { contentInfo: { fileUrl: mediaUrl('b2'), forceRefresh: false, altText: 'the receipt' } },
      fallback: 'the receipt',
    },
  ],
  [
    'image with suggestions',
    msg({ content: { kind: 'image', media: { blobId: 'b3' } }, suggestions: [yesNo[0]!] }),
    {
      messageId: KEY,
      representative: { representativeType: 'BOT' },
      image: { contentInfo: { fileUrl: mediaUrl('b3'), forceRefresh: false } },
      fallback: 'Image',
      suggestions: [{ reply: { text: 'Yes', postbackData: 'answer:yes' } }],
    },
  ],
];

describe('renderGbmMessage', () => {
  it.each(cases)('%s', (_name, message, expected) => {
    expect(renderGbmMessage(message)).toEqual(expected);
  });

  it('uses the idempotency key as the message id, whatever its shape', () => {
    expect(renderGbmMessage(msg({ idempotencyKey: 'job-42:try', content: { kind: 'text', text: 'x' } })).messageId).toBe('job-42:try');
  });
});

const refusals: Array<[name: string, message: OutboundMessage, reason: GbmRenderErrorReason]> = [
  ['an empty text', msg({ content: { kind: 'text', text: '' } }), 'empty'],
  ['a blank text', msg({ content: { kind: 'text', text: ' \n ' } }), 'empty'],
  ['a text of 3073 characters', msg({ content: { kind: 'text', text: 'a'.repeat(3073) } }), 'too_long'],
  ['a caption of 3073 characters', msg({ content: { kind: 'image', media: { blobId: 'b' }, caption: 'c'.repeat(3073) } }), 'too_long'],
  ['an image without blob', msg({ content: { kind: 'image', media: { providerRef: 'x' } } }), 'missing_media'],
  ['an image without a URL resolver', { idempotencyKey: KEY, recipient: 'c', content: { kind: 'image', media: { blobId: 'b' } } }, 'missing_media'],
  ['a video', msg({ content: { kind: 'video', media: { blobId: 'v' } } }), 'unsupported'],
  ['an audio', msg({ content: { kind: 'audio', media: { blobId: 'a' } } }), 'unsupported'],
  ['a file', msg({ content: { kind: 'file', media: { blobId: 'f' } } }), 'unsupported'],
  ['a location', msg({ content: { kind: 'location', latitude: 1, longitude: 2 } }), 'unsupported'],
  ['a sticker', msg({ content: { kind: 'sticker', packageId: '1', stickerId: '2' } }), 'unsupported'],
  ['a postback', msg({ content: { kind: 'postback', data: 'x' } }), 'unsupported'],
  ['an event', msg({ content: { kind: 'event', name: 'closed' } }), 'unsupported'],
  [
    'a template',
    msg({ content: { kind: 'template', templateId: 't', name: 'n', language: 'en', variables: {}, text: 'hi' } }),
    'unsupported',
  ],
  [
    '14 suggestions',
    msg({ content: { kind: 'text', text: 'x' }, suggestions: Array.from({ length: 14 }, (_, i) => ({ text: `o${i}`, postbackData: `p${i}` })) }),
    'invalid_suggestion',
  ],
  ['a suggestion of 26 characters', msg({ content: { kind: 'text', text: 'x' }, suggestions: [{ text: 'b'.repeat(26), postbackData: 'p' }] }), 'invalid_suggestion'],
  ['a blank suggestion', msg({ content: { kind: 'text', text: 'x' }, suggestions: [{ text: ' ', postbackData: 'p' }] }), 'invalid_suggestion'],
  ['a suggestion without postback data', msg({ content: { kind: 'text', text: 'x' }, suggestions: [{ text: 'Yes', postbackData: '' }] }), 'invalid_suggestion'],
  ['postback data of 2049 characters', msg({ content: { kind: 'text', text: 'x' }, suggestions: [{ text: 'Yes', postbackData: 'p'.repeat(2049) }] }), 'invalid_suggestion'],
];

describe('renderGbmMessage refusals', () => {
  it.each(refusals)('refuses %s', (_name, message, reason) => {
    let error: unknown;
    try {
      renderGbmMessage(message);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GbmRenderError);
    expect((error as GbmRenderError).reason).toBe(reason);
  });

  it('counts suggestion characters, not UTF-16 units (25 emoji fit)', () => {
    const label = '👍'.repeat(25);
    expect(renderGbmMessage(msg({ content: { kind: 'text', text: 'x' }, suggestions: [{ text: label, postbackData: 'p' }] })).suggestions).toEqual([
      { reply: { text: label, postbackData: 'p' } },
    ]);
  });

  it('accepts 13 suggestions', () => {
    const suggestions = Array.from({ length: 13 }, (_, i) => ({ text: `o${i}`, postbackData: `p${i}` }));
    expect(renderGbmMessage(msg({ content: { kind: 'text', text: 'x' }, suggestions })).suggestions).toHaveLength(13);
  });
});

describe('renderGbmMessages', () => {
  it('sends one message for text and for an image without caption', () => {
    expect(renderGbmMessages(msg({ content: { kind: 'text', text: 'hi' } }))).toHaveLength(1);
    expect(renderGbmMessages(msg({ content: { kind: 'image', media: { blobId: 'b' }, caption: '  ' } }))).toHaveLength(1);
  });

  it("sends an image's caption as a text message after it, with the suggestions on the last one", () => {
    const [image, caption, more] = renderGbmMessages(
      msg({ content: { kind: 'image', media: { blobId: 'b' }, caption: 'your receipt' }, representative: ada, suggestions: yesNo }),
    );
    expect(more).toBeUndefined();
    expect(image).toEqual({
      messageId: KEY,
      representative: { representativeType: 'HUMAN', displayName: 'Ada', avatarImage: 'https://hub.example.com/avatars/ada.png' },
      image: { contentInfo: { fileUrl: mediaUrl('b'), forceRefresh: false, altText: 'your receipt' } },
      fallback: 'your receipt',
    });
    expect(caption).toEqual({
      messageId: captionMessageId(KEY),
      representative: image!.representative,
      text: 'your receipt',
      fallback: 'your receipt\n\n• Yes\n• No',
      suggestions: [{ reply: { text: 'Yes', postbackData: 'answer:yes' } }, { reply: { text: 'No', postbackData: 'answer:no' } }],
    });
  });

  it('derives a stable, distinct, UUID-shaped caption id', () => {
    expect(captionMessageId(KEY)).toBe(captionMessageId(KEY));
    expect(captionMessageId(KEY)).not.toBe(KEY);
    expect(captionMessageId('other')).not.toBe(captionMessageId(KEY));
    expect(captionMessageId(KEY)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('renderGbmEvent', () => {
  it.each<[ConversationSignal['type'], string]>([
    ['typing_started', 'TYPING_STARTED'],
    ['typing_stopped', 'TYPING_STOPPED'],
    ['representative_joined', 'REPRESENTATIVE_JOINED'],
    ['representative_left', 'REPRESENTATIVE_LEFT'],
  ])('%s → %s', (type, eventType) => {
    expect(renderGbmEvent({ type, representative: { type: 'human', displayName: 'Ada' } })).toEqual({
      eventType,
      representative: { representativeType: 'HUMAN', displayName: 'Ada' },
    });
  });

  it('refuses a signal type it does not know', () => {
    expect(() => renderGbmEvent({ type: 'hologram' as never, representative: { type: 'bot' } })).toThrow(GbmRenderError);
  });

  it('renderRepresentative defaults to BOT', () => {
    expect(renderRepresentative(undefined)).toEqual({ representativeType: 'BOT' });
  });
});
