/** The LINE Messaging API channel. */
import type { ChannelAdapter } from '../adapter.js';
import {
  lineCapabilities,
  lineCredentialsSchema,
  lineSecuredFields,
  lineSettingsSchema,
  type LineCredentials,
  type LineSettings,
} from './config.js';
import { parseLineWebhook } from './parse.js';
import { createLineClient } from './send.js';
import { verifyLineWebhook } from './verify.js';

export const lineAdapter: ChannelAdapter<LineCredentials, LineSettings> & { readonly kind: 'line' } = Object.freeze({
  kind: 'line',
  displayName: 'LINE',
  capabilities: lineCapabilities,
  credentialsSchema: lineCredentialsSchema,
  securedFields: lineSecuredFields,
  settingsSchema: lineSettingsSchema,
  verify: verifyLineWebhook,
  parse: parseLineWebhook,
  createClient: createLineClient,
});

export { createLineClient } from './send.js';
export type { LineCredentials, LineSettings } from './config.js';
export { LineRenderError, renderLineMessage, renderLineMessages, type LineMessage } from './render.js';
