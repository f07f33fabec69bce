/** What an admin enters for a Twilio WhatsApp messaging account, and what the channel can do, as data. */
import { z } from 'zod';
import type { ChannelCapabilities, WebhookAck } from '../adapter.js';

export const twilioCredentialsSchema = z.object({
  /** Console dashboard → Account Info → Account SID. */
  accountSid: z
    .string()
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'Account SID is "AC" followed by 32 hexadecimal characters (Twilio Console → Account Info)'),
  /** Console dashboard → Account Info → Auth Token: authenticates API calls and signs every webhook. */
  authToken: z
    .string()
    .trim()
    .min(1, 'Auth Token is required (Twilio Console → Account Info → Auth Token; 32 hexadecimal characters)'),
  /** Optional Messaging Service that sends when a conversation has no business number of its own. */
  messagingServiceSid: z
    .string()
    .trim()
    .regex(/^MG[0-9a-fA-F]{32}$/, 'Messaging Service SID is "MG" followed by 32 hexadecimal characters (Messaging → Services)')
    .optional(),
});
export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;

export const twilioSecuredFields = ['authToken'] as const satisfies ReadonlyArray<keyof TwilioCredentials>;

export const E164 = /^\+[1-9]\d{6,14}$/;

const numberSchema = z.object({
  /** Shown to admins ("Support EU", "Sales"). */
  name: z.string().trim().min(1, 'Give each WhatsApp number a name'),
  number: z
    .string()
    .trim()
    .regex(E164, 'WhatsApp number must be in E.164 format with a leading + (e.g. +14155238886), without "whatsapp:"'),
});

export const twilioSettingsSchema = z.object({
  /** The WhatsApp senders (business numbers) of this account. */
  numbers: z
    .array(numberSchema, 'Add at least one WhatsApp number')
    .min(1, 'Add at least one WhatsApp number')
    .superRefine((numbers, ctx) => {
      const seen = new Set<string>();
      numbers.forEach((n, i) => {
        if (seen.has(n.number)) {
          ctx.addIssue({ code: 'custom', path: [i, 'number'], message: `${n.number} is listed twice; each WhatsApp number appears once` });
        }
        seen.add(n.number);
      });
    }),
  /** The Twilio Sandbox for WhatsApp (customers must send the join code first). */
  sandbox: z.boolean().optional(),
});
export type TwilioSettings = z.infer<typeof twilioSettingsSchema>;

/** WhatsApp through Twilio: Body is at most 1600 characters. */
export const TWILIO_MAX_TEXT_LENGTH = 1600;

export const twilioCapabilities: ChannelCapabilities = Object.freeze({
  messagingWindowHours: 24,
  templates: true,
  maxTextLength: TWILIO_MAX_TEXT_LENGTH,
  inboundContent: Object.freeze(['text', 'image', 'video', 'audio', 'file', 'location', 'postback'] as const),
  outboundContent: Object.freeze(['text', 'image', 'video', 'audio', 'file', 'template'] as const),
  // What WhatsApp accepts (Twilio "Accepted content types for media" for WhatsApp).
  outboundMediaTypes: Object.freeze({
    image: Object.freeze(['image/jpeg', 'image/png']),
    video: Object.freeze(['video/mp4', 'video/3gpp']),
    audio: Object.freeze(['audio/ogg', 'audio/mpeg', 'audio/amr', 'audio/mp4', 'audio/aac']),
    file: Object.freeze([
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ]),
  }),
});

/** Twilio expects TwiML back; an empty <Response/> means "no automatic reply". */
export const twilioWebhookAck: WebhookAck = Object.freeze({
  status: 200,
  contentType: 'text/xml',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
});

/** Suffix of the account's callback URL where Twilio posts message status callbacks. */
export const TWILIO_STATUS_CALLBACK_PATH = '/status';

/** Default API hosts; `ClientDeps.baseUrls.twilioApi` / `.twilioContentApi` override them (emulator, proxy). */
export const TWILIO_API_BASE_URL = 'https://api.twilio.com';
export const TWILIO_CONTENT_API_BASE_URL = 'https://content.twilio.com';
export const TWILIO_DEFAULT_TIMEOUT_MS = 15_000;
