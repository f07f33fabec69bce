/**
 * Web chat has no provider and so no webhooks: customers reach the hub through /webchat/…
 * (src/http/webchat), never /webhooks. Anything posted to /webhooks/webchat/… is refused.
 */
import type { RawWebhook, VerifyResult } from '../adapter.js';

export const NO_WEBHOOKS_REASON = 'web chat has no provider webhooks';

export function verifyWebChatWebhook(_webhook: RawWebhook, _credentials: unknown): VerifyResult {
  return { ok: false, status: 401, reason: NO_WEBHOOKS_REASON };
}
