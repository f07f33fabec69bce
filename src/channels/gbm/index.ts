/** Google's Business Messages (retired by Google on 31 July 2024; compatible gateways and the emulator speak it). */
import type { ChannelAdapter } from '../adapter.js';
import {
  gbmCapabilities,
  gbmCredentialsSchema,
  gbmSecuredFields,
  gbmSettingsSchema,
  type GbmCredentials,
  type GbmSettings,
} from './config.js';
import { gbmHandshake } from './handshake.js';
import { parseGbmWebhook } from './parse.js';
import { createGbmClient } from './send.js';
import { verifyGbmWebhook } from './verify.js';

export const gbmAdapter: ChannelAdapter<GbmCredentials, GbmSettings> & { readonly kind: 'gbm' } = Object.freeze({
  kind: 'gbm',
  displayName: "Google's Business Messages",
  capabilities: gbmCapabilities,
  credentialsSchema: gbmCredentialsSchema,
  securedFields: gbmSecuredFields,
  settingsSchema: gbmSettingsSchema,
  verify: verifyGbmWebhook,
  parse: parseGbmWebhook,
  handshake: gbmHandshake,
  createClient: (credentials: GbmCredentials, deps: Parameters<typeof createGbmClient>[1]) => createGbmClient(credentials, deps),
});

export { createGbmClient } from './send.js';
export type { GbmCredentials, GbmServiceAccount, GbmSettings } from './config.js';
export { GbmRenderError, renderGbmEvent, renderGbmMessage, renderGbmMessages, type GbmMessage } from './render.js';
export { createTokenCache, signJwtAssertion, type TokenCache } from './token.js';
