/** One-line previews of message content, as plain text (never HTML). */
import { t, type MessageKey } from '../i18n';
import type { ConversationState, MessageContent } from '../lib/types';

export function previewOf(c: MessageContent): string {
  switch (c.kind) {
    case 'text':
      return c.text.slice(0, 200);
    case 'template':
      return c.text.slice(0, 200);
    case 'location':
      return `📍 ${c.title ?? c.address ?? `${c.latitude}, ${c.longitude}`}`;
    case 'sticker':
      return t('message.sticker');
    case 'postback':
      return c.label ?? c.data;
    case 'event':
      return `[${c.name}]`;
    case 'image':
      return c.caption ?? t('message.image');
    case 'video':
      return c.caption ?? t('message.video');
    case 'audio':
      return c.caption ?? t('message.audio');
    case 'file':
      return c.caption ?? c.media.fileName ?? t('message.file');
  }
}

export const STATE_LABEL: Record<ConversationState, MessageKey> = {
  open: 'state.open',
  active: 'state.active',
  waiting: 'state.waiting',
  wrapup: 'state.wrapup',
  closed: 'state.closed',
};

const CHANNEL_LABEL: Record<string, MessageKey> = {
  line: 'channel.line',
  'twilio-whatsapp': 'channel.twilio-whatsapp',
  gbm: 'channel.gbm',
  webchat: 'channel.webchat',
};

export function channelLabel(kind: string | undefined): string {
  if (!kind) return t('channel.unknown');
  const key = CHANNEL_LABEL[kind];
  return key ? t(key) : kind;
}
