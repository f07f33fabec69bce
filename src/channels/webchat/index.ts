/** Web chat: the hub's own widget on a business's site (replaces Google's retired Business Messages). */
import type { ChannelAdapter } from '../adapter.js';
import {
  webChatCapabilities,
  webChatCredentialsSchema,
  webChatSecuredFields,
  webChatSettingsSchema,
  type WebChatCredentials,
  type WebChatSettings,
} from './config.js';
import { parseWebChatWebhook } from './parse.js';
import { createWebChatClient } from './send.js';
import { verifyWebChatWebhook } from './verify.js';

export const webChatAdapter: ChannelAdapter<WebChatCredentials, WebChatSettings> & { readonly kind: 'webchat' } = Object.freeze({
  kind: 'webchat',
  displayName: 'Web chat',
  capabilities: webChatCapabilities,
  credentialsSchema: webChatCredentialsSchema,
  securedFields: webChatSecuredFields,
  settingsSchema: webChatSettingsSchema,
  verify: verifyWebChatWebhook,
  parse: parseWebChatWebhook,
  createClient: createWebChatClient,
});

export {
  resolveWebChatSettings,
  WEBCHAT_UPLOAD_TYPES,
  type PreChatField,
  type ResolvedWebChatSettings,
  type WebChatCredentials,
  type WebChatSettings,
} from './config.js';
export { checkPreChat, missingPreChat } from './pre-chat.js';
export { signCustomerToken, verifyCustomerToken, type CustomerClaims } from './customer-token.js';
export { issueVisitorToken, readVisitorToken, VISITOR_TOKEN_TTL_MS, type Signer, type VisitorClaims } from './visitor-token.js';
