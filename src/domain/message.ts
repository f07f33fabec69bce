/** The channel-neutral content of one message, as stored and as shown to agents. */

export interface MediaRef {
  /** Our blob id once the bytes are in the blob store. */
  blobId?: string;
  /** Where the provider keeps the bytes until we download them (message id, signed URL...). */
  providerRef?: string;
  contentType?: string;
  size?: number;
  fileName?: string;
  /** For video and audio, the playback length in milliseconds. */
  durationMs?: number;
}

export type MediaKind = 'image' | 'video' | 'audio' | 'file';

export type MessageContent =
  | { kind: 'text'; text: string }
  | { kind: MediaKind; media: MediaRef; caption?: string }
  | { kind: 'location'; latitude: number; longitude: number; address?: string; title?: string }
  | { kind: 'sticker'; packageId: string; stickerId: string; keywords?: string[] }
  | { kind: 'postback'; data: string; label?: string }
  /** An approved template (WhatsApp): the only content allowed outside the messaging window. */
  | {
      kind: 'template';
      templateId: string;
      name: string;
      language: string;
      /** The provider's id for it (Twilio Content SID). */
      providerTemplateId?: string;
      /** Values for {{1}}, {{2}}… */
      variables: Record<string, string>;
      /** The approved text with the variables filled in, as the customer sees it. */
      text: string;
    }
  | { kind: 'event'; name: string; detail?: string };

export const MEDIA_KINDS: ReadonlyArray<MediaKind> = ['image', 'video', 'audio', 'file'];

export function isMediaContent(c: MessageContent): c is Extract<MessageContent, { media: MediaRef }> {
  return (MEDIA_KINDS as ReadonlyArray<string>).includes(c.kind);
}

/** A one-line preview for lists and notifications. Never HTML. */
export function previewOf(c: MessageContent): string {
  switch (c.kind) {
    case 'text':
      return c.text.slice(0, 200);
    case 'location':
      return `📍 ${c.title ?? c.address ?? `${c.latitude},${c.longitude}`}`;
    case 'sticker':
      return '[sticker]';
    case 'postback':
      return c.label ?? c.data;
    case 'event':
      return `[${c.name}]`;
    case 'template':
      return c.text.slice(0, 200);
    default:
      return c.caption ?? `[${c.kind}]`;
  }
}

export type MessageDirection = 'in' | 'out';
export type SenderType = 'customer' | 'agent' | 'bot' | 'system';

/**
 * received: inbound, stored. queued → sending → sent → delivered → read: outbound progress.
 * failed: the provider refused or retries ran out; the reason is on the message.
 */
export type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

const RANK: Record<MessageStatus, number> = {
  received: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  read: 5,
  failed: 6,
};

/** Statuses only move forward: a late "sent" never overwrites "delivered"; failed is final. */
export function statusMovesForward(from: MessageStatus, to: MessageStatus): boolean {
  if (from === 'failed' || from === 'read') return false;
  if (to === 'failed') return from !== 'delivered';
  return RANK[to] > RANK[from];
}
