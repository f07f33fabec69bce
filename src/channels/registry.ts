/** kind → adapter. Adding a channel means one line here and a folder of its own. */
import type { ChannelAdapter, ChannelKind } from './adapter.js';
import { gbmAdapter } from './gbm/index.js';
import { lineAdapter } from './line/index.js';
import { twilioWhatsAppAdapter } from './twilio-whatsapp/index.js';
import { webChatAdapter } from './webchat/index.js';

const ADAPTERS: ReadonlyArray<ChannelAdapter<never, never>> = [
  lineAdapter as unknown as ChannelAdapter<never, never>,
  twilioWhatsAppAdapter as unknown as ChannelAdapter<never, never>,
  gbmAdapter as unknown as ChannelAdapter<never, never>,
  webChatAdapter as unknown as ChannelAdapter<never, never>,
];

const BY_KIND = new Map<string, ChannelAdapter<unknown, unknown>>(
  ADAPTERS.map((a) => [a.kind, a as unknown as ChannelAdapter<unknown, unknown>]),
);

export function adapterFor(kind: string): ChannelAdapter<unknown, unknown> | undefined {
  return BY_KIND.get(kind);
}

export function channelKinds(): ChannelKind[] {
  return ADAPTERS.map((a) => a.kind);
}
