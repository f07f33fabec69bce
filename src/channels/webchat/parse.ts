/** Never reached (verify always refuses); throws so a caller that skipped verify stores nothing. */
import { WebhookParseError, type InboundEvent, type RawWebhook } from '../adapter.js';
import { NO_WEBHOOKS_REASON } from './verify.js';

export function parseWebChatWebhook(_webhook: RawWebhook): InboundEvent[] {
  throw new WebhookParseError(`${NO_WEBHOOKS_REASON}: customers write through /webchat/:accountId/messages`);
}
