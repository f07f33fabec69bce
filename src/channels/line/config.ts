/** What an admin enters for a LINE messaging account, and what the channel can do, as data. */
import { z } from 'zod';
import type { ChannelCapabilities } from '../adapter.js';

export const lineCredentialsSchema = z.object({
  /** LINE Developers console → Basic settings → Channel ID. */
  channelId: z
    .string()
    .trim()
    .regex(/^\d+$/, 'Channel ID is a number (LINE Developers console → Basic settings → Channel ID)'),
  /** Basic settings → Channel secret: signs every webhook. */
  channelSecret: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{32}$/, 'Channel secret is 32 hexadecimal characters (Basic settings → Channel secret)'),
  /** Messaging API tab → Channel access token (long-lived). */
  channelAccessToken: z
    .string()
    .trim()
    .min(1, 'Channel access token is required (Messaging API tab → Channel access token → Issue)'),
});
export type LineCredentials = z.infer<typeof lineCredentialsSchema>;

export const lineSecuredFields = ['channelSecret', 'channelAccessToken'] as const satisfies ReadonlyArray<
  keyof LineCredentials
>;

export const lineSettingsSchema = z.object({
  /** The bot's own user id (webhook `destination`), shown in the admin UI. */
  botUserId: z.string().trim().min(1).optional(),
});
export type LineSettings = z.infer<typeof lineSettingsSchema>;

export const LINE_MAX_TEXT_LENGTH = 5000;

export const lineCapabilities: ChannelCapabilities = Object.freeze({
  // LINE lets an account push to a friend at any time: no messaging window, no templates.
  templates: false,
  profiles: true,
  maxTextLength: LINE_MAX_TEXT_LENGTH,
  inboundContent: Object.freeze(['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'postback'] as const),
  outboundContent: Object.freeze(['text', 'image', 'video', 'audio', 'location', 'sticker'] as const),
  outboundMediaTypes: Object.freeze({
    image: Object.freeze(['image/jpeg', 'image/png']),
    video: Object.freeze(['video/mp4']),
    audio: Object.freeze(['audio/m4a', 'audio/mp4', 'audio/x-m4a']),
  }),
});

/** Default API hosts; `ClientDeps.baseUrls.lineApi` / `.lineDataApi` override them (emulator, proxy). */
export const LINE_API_BASE_URL = 'https://api.line.me';
export const LINE_DATA_API_BASE_URL = 'https://api-data.line.me';
export const LINE_DEFAULT_TIMEOUT_MS = 10_000;
