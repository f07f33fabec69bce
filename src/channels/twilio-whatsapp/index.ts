/** WhatsApp through Twilio's Programmable Messaging API (+ the Content API for templates). */
import type { ChannelAdapter, RawWebhook } from '../adapter.js';
import {
  TWILIO_STATUS_CALLBACK_PATH,
  twilioCapabilities,
  twilioCredentialsSchema,
  twilioSecuredFields,
  twilioSettingsSchema,
  twilioWebhookAck,
  type TwilioCredentials,
  type TwilioSettings,
} from './config.js';
import { parseTwilioWebhook } from './parse.js';
import { createTwilioClient } from './send.js';
import { verifyTwilioWebhook } from './verify.js';

export const twilioWhatsAppAdapter: ChannelAdapter<TwilioCredentials, TwilioSettings> & { readonly kind: 'twilio-whatsapp' } =
  Object.freeze({
    kind: 'twilio-whatsapp',
    displayName: 'WhatsApp (Twilio)',
    capabilities: twilioCapabilities,
    credentialsSchema: twilioCredentialsSchema,
    securedFields: twilioSecuredFields,
    settingsSchema: twilioSettingsSchema,
    verify: verifyTwilioWebhook,
    parse: (webhook: RawWebhook) => parseTwilioWebhook(webhook),
    createClient: createTwilioClient,
    webhookAck: twilioWebhookAck,
    extraCallbacks: Object.freeze({ statusCallbackUrl: TWILIO_STATUS_CALLBACK_PATH }),
    statusCallbackPath: TWILIO_STATUS_CALLBACK_PATH,
  });

export { createTwilioClient, type TwilioOutboundMessage } from './send.js';
export type { TwilioClientDeps } from './http.js';
export type { TwilioCredentials, TwilioSettings } from './config.js';
export { TwilioRenderError, renderTwilioMessage, type TwilioMessageParams } from './render.js';
export { twilioSignature } from './verify.js';
