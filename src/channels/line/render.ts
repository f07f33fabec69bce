/** MessageContent → LINE message objects. Pure: no I/O, table-tested in render.test.ts. */
import type { OutboundMessage } from '../adapter.js';
import type { MediaRef, MessageContent } from '../../domain/message.js';
import { LINE_MAX_TEXT_LENGTH } from './config.js';

export type LineTextMessage = { type: 'text'; text: string };
export type LineImageMessage = { type: 'image'; originalContentUrl: string; previewImageUrl: string };
export type LineVideoMessage = { type: 'video'; originalContentUrl: string; previewImageUrl: string };
export type LineAudioMessage = { type: 'audio'; originalContentUrl: string; duration: number };
export type LineStickerMessage = { type: 'sticker'; packageId: string; stickerId: string };
export type LineLocationMessage = { type: 'location'; title: string; address: string; latitude: number; longitude: number };
export type LineMessage =
  | LineTextMessage
  | LineImageMessage
  | LineVideoMessage
  | LineAudioMessage
  | LineStickerMessage
  | LineLocationMessage;

export type LineRenderErrorReason = 'unsupported' | 'too_long' | 'empty' | 'missing_media';

/** The content cannot be sent on LINE; send.ts maps it to `invalid_request`. */
export class LineRenderError extends Error {
  override readonly name = 'LineRenderError';
  constructor(
    readonly reason: LineRenderErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_AUDIO_DURATION_MS = 60_000;

type MediaUrl = NonNullable<OutboundMessage['mediaUrl']>;

/** One LINE message object for one piece of content. */
export function renderLineMessage(content: MessageContent, mediaUrl?: MediaUrl): LineMessage {
  switch (content.kind) {
    case 'text':
      return { type: 'text', text: checkedText(content.text) };
    case 'image': {
      const [url, blobId] = resolve(content.kind, content.media, mediaUrl);
      return { type: 'image', originalContentUrl: url(blobId), previewImageUrl: url(blobId, 'preview') };
    }
    case 'video': {
      const [url, blobId] = resolve(content.kind, content.media, mediaUrl);
      return { type: 'video', originalContentUrl: url(blobId), previewImageUrl: url(blobId, 'preview') };
    }
    case 'audio': {
      const [url, blobId] = resolve(content.kind, content.media, mediaUrl);
      const duration = content.media.durationMs;
      return {
        type: 'audio',
        originalContentUrl: url(blobId),
        duration: duration !== undefined && Number.isFinite(duration) && duration > 0 ? Math.round(duration) : DEFAULT_AUDIO_DURATION_MS,
      };
    }
    case 'sticker':
      return { type: 'sticker', packageId: content.packageId, stickerId: content.stickerId };
    case 'location':
      return {
        type: 'location',
        title: content.title || 'Location',
        address: content.address || `${content.latitude},${content.longitude}`,
        latitude: content.latitude,
        longitude: content.longitude,
      };
    case 'file':
    case 'postback':
    case 'event':
    case 'template':
      throw new LineRenderError('unsupported', `LINE cannot send ${content.kind} messages`);
  }
}

/**
 * The messages for one request: the rendered content, then its caption as a text message
 * (LINE media messages have no caption field, and a caption must not vanish silently).
 */
export function renderLineMessages(content: MessageContent, mediaUrl?: MediaUrl): LineMessage[] {
  const main = renderLineMessage(content, mediaUrl);
  const caption = 'caption' in content ? content.caption?.trim() : undefined;
  return caption ? [main, { type: 'text', text: checkedText(caption) }] : [main];
}

function checkedText(text: string): string {
  if (text.length === 0) throw new LineRenderError('empty', 'LINE cannot send an empty text message');
  if (text.length > LINE_MAX_TEXT_LENGTH) {
    throw new LineRenderError('too_long', `text is ${text.length} characters; LINE allows at most ${LINE_MAX_TEXT_LENGTH}`);
  }
  return text;
}

function resolve(kind: string, media: MediaRef, mediaUrl: MediaUrl | undefined): [MediaUrl, string] {
  if (!media.blobId) throw new LineRenderError('missing_media', `the ${kind} has no stored blob to send`);
  if (!mediaUrl) throw new LineRenderError('missing_media', `no media URL resolver was given for the ${kind}`);
  return [mediaUrl, media.blobId];
}
