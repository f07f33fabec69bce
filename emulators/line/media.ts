/**
 * Media customers sent, kept by message id for the content endpoints. Video and audio start
 * "processing" like on LINE: the first look at one (a transcoding poll or a content fetch)
 * answers processing / 202, every later look succeeded / 200.
 */
export type MediaKind = 'image' | 'video' | 'audio' | 'file';

export interface StoredMedia {
  messageId: string;
  channelId: string;
  kind: MediaKind;
  contentType: string;
  bytes: Buffer;
  fileName?: string;
  ready: boolean;
}

/** A 1x1 transparent PNG, served as the preview of a video. */
const PREVIEW_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export class MediaStore {
  private readonly items = new Map<string, StoredMedia>();

  put(m: Omit<StoredMedia, 'ready'>): StoredMedia {
    const stored: StoredMedia = { ...m, ready: m.kind !== 'video' && m.kind !== 'audio' };
    this.items.set(m.messageId, stored);
    return stored;
  }

  /** Only the channel the customer wrote to can read its media. */
  get(channelId: string, messageId: string): StoredMedia | undefined {
    const m = this.items.get(messageId);
    return m?.channelId === channelId ? m : undefined;
  }

  /** One look: true when the content can be served now. */
  look(m: StoredMedia): boolean {
    if (m.ready) return true;
    m.ready = true;
    return false;
  }

  preview(m: StoredMedia): { contentType: string; bytes: Buffer } | undefined {
    if (m.kind === 'image') return { contentType: m.contentType, bytes: m.bytes };
    if (m.kind === 'video') return { contentType: 'image/png', bytes: PREVIEW_PNG };
    return undefined;
  }
}
