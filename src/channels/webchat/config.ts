/**
 * What an admin enters for a web chat account, and what the channel can do, as data. The only
 * credential is optional: the HS256 secret the business signs its signed-in customers' tokens with.
 */
import { z } from 'zod';
import type { ChannelCapabilities } from '../adapter.js';

export const webChatCredentialsSchema = z.object({
  /**
   * Signs the `customerToken` (an HS256 JWT) the business's site hands the widget for a signed-in
   * customer. Without it the chat serves anonymous visitors only.
   */
  identitySecret: z
    .string()
    .trim()
    .min(32, 'Identity secret must be at least 32 characters (for example 64 random hexadecimal characters)')
    .max(512, 'Identity secret is too long (at most 512 characters)')
    .optional()
    .meta({ title: 'Identity secret', description: 'HS256 secret your site signs signed-in customers’ tokens with (optional)' }),
});
export type WebChatCredentials = z.infer<typeof webChatCredentialsSchema>;

export const webChatSecuredFields = ['identitySecret'] as const satisfies ReadonlyArray<keyof WebChatCredentials>;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An exact origin: https://host[:port], or http:// for localhost / 127.0.0.1 (development). */
export const allowedOriginSchema = z
  .string()
  .trim()
  .transform((value, ctx): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not an origin (like https://shop.example.com)` });
      return z.NEVER;
    }
    const local = LOCAL_HOSTS.has(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      ctx.addIssue({ code: 'custom', message: `"${value}" must be https:// (http:// only for localhost and 127.0.0.1)` });
      return z.NEVER;
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: `"${value}" must be an origin only: scheme, host and port, no path` });
      return z.NEVER;
    }
    if (url.hostname.includes('*')) {
      ctx.addIssue({ code: 'custom', message: `"${value}": wildcards are not allowed; list each origin` });
      return z.NEVER;
    }
    return url.origin;
  });

export const PRE_CHAT_FIELD_NAME = /^[a-z][a-zA-Z0-9_]{0,31}$/;

export const preChatFieldSchema = z.object({
  name: z.string().regex(PRE_CHAT_FIELD_NAME, 'Field name: a lower-case letter, then letters, digits or _ (at most 32)'),
  label: z.string().trim().min(1, 'Field label is required').max(80),
  type: z.enum(['text', 'email', 'textarea']),
  required: z.boolean().default(false),
});
export type PreChatField = z.infer<typeof preChatFieldSchema>;

export const WEBCHAT_MAX_TEXT_LENGTH = 10_000;
export const WEBCHAT_DEFAULTS = Object.freeze({
  title: 'Chat with us',
  accentColor: '#2563eb',
  maxMessageLength: 4000,
  messagesPerMinute: 20,
});

export const webChatSettingsSchema = z.object({
  /** Sites allowed to embed the widget (the browser's Origin header must be one of them). */
  allowedOrigins: z
    .array(allowedOriginSchema)
    .min(1, 'List at least one allowed origin (the site that embeds the widget, like https://shop.example.com)')
    .max(50)
    .transform((origins) => [...new Set(origins)]),
  title: z.string().trim().min(1).max(80).optional(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Accent colour is #rrggbb')
    .transform((c) => c.toLowerCase())
    .optional(),
  preChatFields: z
    .array(preChatFieldSchema)
    .max(10)
    .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, 'Pre-chat field names must be unique')
    .optional(),
  maxMessageLength: z.number().int().min(1).max(WEBCHAT_MAX_TEXT_LENGTH).optional(),
  messagesPerMinute: z.number().int().min(1).max(600).optional(),
});
export type WebChatSettings = z.infer<typeof webChatSettingsSchema>;

/** Settings with every default applied, as the routes use them. */
export interface ResolvedWebChatSettings {
  allowedOrigins: string[];
  title: string;
  accentColor: string;
  preChatFields: PreChatField[];
  maxMessageLength: number;
  messagesPerMinute: number;
}

/** Stored settings (validated on write) with today's defaults; undefined if they no longer parse. */
export function resolveWebChatSettings(stored: unknown): ResolvedWebChatSettings | undefined {
  const r = webChatSettingsSchema.safeParse(stored);
  if (!r.success) return undefined;
  const s = r.data;
  return {
    allowedOrigins: s.allowedOrigins,
    title: s.title ?? WEBCHAT_DEFAULTS.title,
    accentColor: s.accentColor ?? WEBCHAT_DEFAULTS.accentColor,
    preChatFields: s.preChatFields ?? [],
    maxMessageLength: s.maxMessageLength ?? WEBCHAT_DEFAULTS.maxMessageLength,
    messagesPerMinute: s.messagesPerMinute ?? WEBCHAT_DEFAULTS.messagesPerMinute,
  };
}

/** What a customer may upload (when the channel instance lets customers send attachments). */
export const WEBCHAT_UPLOAD_TYPES: ReadonlyArray<string> = Object.freeze([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/pdf',
]);

export const webChatCapabilities: ChannelCapabilities = Object.freeze({
  // The hub is the provider: no messaging window, no templates, nothing to pay per message.
  templates: false,
  maxTextLength: WEBCHAT_MAX_TEXT_LENGTH,
  inboundContent: Object.freeze(['text', 'image', 'file'] as const),
  outboundContent: Object.freeze(['text', 'image', 'video', 'audio', 'file'] as const),
  outboundMediaTypes: Object.freeze({
    // What browsers display inline; files go as downloads, any type.
    image: Object.freeze(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    video: Object.freeze(['video/mp4', 'video/webm']),
    audio: Object.freeze(['audio/mpeg', 'audio/mp4', 'audio/ogg', 'audio/webm', 'audio/wav']),
  }),
  signals: true,
});
