import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { MessageContent } from '../../domain/message.js';
import { LineRenderError, renderLineMessage, renderLineMessages, type LineMessage } from './render.js';

const mediaUrl = (blobId: string, variant?: 'preview') =>
  `https://hub.example.com/media/${blobId}${variant ? `/${variant}` : ''}?sig=abc`;

const cases: Array<[name: string, content: MessageContent, expected: LineMessage]> = [
  ['text', { kind: 'text', text: 'Hello 👋' }, { type: 'text', text: 'Hello 👋' }],
  ['text of exactly 5000 chars', { kind: 'text', text: 'a'.repeat(5000) }, { type: 'text', text: 'a'.repeat(5000) }],
  [
    'image',
    { kind: 'image', media: { blobId: 'b1', contentType: 'image/jpeg' } },
    {
      type: 'image',
      originalContentUrl: 'https://hub.example.com/media/b1?sig=abc',
      previewImageUrl: 'https://hub.example.com/media/b1/preview?sig=abc',
    },
  ],
  [
    'video',
    { kind: 'video', media: { blobId: 'v1', contentType: 'video/mp4', durationMs: 5000 } },
    {
      type: 'video',
      originalContentUrl: 'https://hub.example.com/media/v1?sig=abc',
      previewImageUrl: 'https://hub.example.com/media/v1/preview?sig=abc',
    },
  ],
  [
    'audio with duration',
    { kind: 'audio', media: { blobId: 'a1', durationMs: 12345 } },
    { type: 'audio', originalContentUrl: 'https://hub.example.com/media/a1?sig=abc', duration: 12345 },
  ],
  [
    'audio without duration (default 60 s)',
    { kind: 'audio', media: { blobId: 'a2' } },
    { type: 'audio', originalContentUrl: 'https://hub.example.com/media/a2?sig=abc', duration: 60000 },
  ],
  [
    'sticker',
    { kind: 'sticker', packageId: '446', stickerId: '1988', keywords: ['ok'] },
    { type: 'sticker', packageId: '446', stickerId: '1988' },
  ],
  [
    'location with title and address',
    { kind: 'location', latitude: 35.6586, longitude: 139.7454, title: 'Tokyo Tower', address: '4-2-8 Shibakoen' },
    { type: 'location', title: 'Tokyo Tower', address: '4-2-8 Shibakoen', latitude: 35.6586, longitude: 139.7454 },
  ],
  [
    'location without title and address',
    { kind: 'location', latitude: 35.6586, longitude: 139.7454 },
    { type: 'location', title: 'Location', address: '35.6586,139.7454', latitude: 35.6586, longitude: 139.7454 },
  ],
];

const refused: Array<[name: string, content: MessageContent, reason: LineRenderError['reason'], mediaUrl?: typeof mediaUrl]> = [
  ['text over 5000 chars', { kind: 'text', text: 'a'.repeat(5001) }, 'too_long', mediaUrl],
  ['empty text', { kind: 'text', text: '' }, 'empty', mediaUrl],
  ['file', { kind: 'file', media: { blobId: 'f1', fileName: 'a.pdf' } }, 'unsupported', mediaUrl],
  ['postback', { kind: 'postback', data: 'a=1' }, 'unsupported', mediaUrl],
  ['event', { kind: 'event', name: 'typing' }, 'unsupported', mediaUrl],
  ['image without a blob', { kind: 'image', media: { providerRef: '123' } }, 'missing_media', mediaUrl],
  ['image without a URL resolver', { kind: 'image', media: { blobId: 'b1' } }, 'missing_media', undefined],
];

// The official Messaging API OpenAPI document, for checking what we render against LINE's own schema.
const spec = parseYaml(readFileSync(new URL('../../../protocols/line/messaging-api.yml', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, unknown> };
};
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['int32', 'int64', 'double', 'float', 'binary']) ajv.addFormat(f, true);
ajv.addSchema({ $id: 'line', components: spec.components });
const SCHEMA_OF: Record<LineMessage['type'], string> = {
  text: 'TextMessage',
  image: 'ImageMessage',
  video: 'VideoMessage',
  audio: 'AudioMessage',
  sticker: 'StickerMessage',
  location: 'LocationMessage',
};
function specErrors(message: LineMessage): unknown {
  const validate = ajv.getSchema(`line#/components/schemas/${SCHEMA_OF[message.type]}`);
  if (!validate) throw new Error(`no schema for ${message.type}`);
  return validate(message) ? [] : validate.errors;
}

describe('renderLineMessage', () => {
  it.each(cases)('renders %s', (_name, content, expected) => {
    const rendered = renderLineMessage(content, mediaUrl);
    expect(rendered).toEqual(expected);
    expect(specErrors(rendered)).toEqual([]);
  });

  it.each(refused)('refuses %s', (_name, content, reason, resolver) => {
    let caught: unknown;
    try {
      renderLineMessage(content, resolver);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LineRenderError);
    expect(caught).toMatchObject({ reason });
  });

  it('the schema check catches a broken object (sanity)', () => {
    expect(specErrors({ type: 'image', originalContentUrl: 'https://x/y' } as unknown as LineMessage)).not.toEqual([]);
  });
});

describe('renderLineMessages', () => {
  it('sends a caption as a text message after the media', () => {
    expect(renderLineMessages({ kind: 'image', media: { blobId: 'b1' }, caption: 'the receipt' }, mediaUrl)).toEqual([
      expect.objectContaining({ type: 'image' }),
      { type: 'text', text: 'the receipt' },
    ]);
  });

  it('sends one message when there is no caption', () => {
    expect(renderLineMessages({ kind: 'text', text: 'hi' }, mediaUrl)).toEqual([{ type: 'text', text: 'hi' }]);
    expect(renderLineMessages({ kind: 'video', media: { blobId: 'v' }, caption: '  ' }, mediaUrl)).toHaveLength(1);
  });
});
