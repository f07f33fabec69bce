/**
 * The customer's phone: a business message arrives, and after the configured delays the device
 * sends a DELIVERED receipt, then a READ receipt (unless the customer already read it).
 */
import type { EmulatorContext } from './context.js';
import { dispatchWebhook, sourceOf } from './dispatch.js';
import { receiptsPayload } from './payloads.js';
import type { ConversationRecord } from './state.js';
import type { ReceivedGbm, WebhookDelivery } from './types.js';

export type ReceiptType = 'DELIVERED' | 'READ';

/** Marks the messages and sends one receipts webhook for them. */
export function sendReceipts(ctx: EmulatorContext, c: ConversationRecord, type: ReceiptType, messages: ReceivedGbm[]): Promise<WebhookDelivery> {
  for (const m of messages) m.receiptsSent.push(type);
  ctx.state.notify(c);
  const payload = receiptsPayload(sourceOf(ctx, c), type, messages.map((m) => m.messageId), ctx.state.now());
  return dispatchWebhook(ctx, c, 'receipts', payload);
}

/** Puts the message on the device and schedules its receipts; READ waits for the DELIVERED webhook to finish. */
export function receiveOnDevice(ctx: EmulatorContext, c: ConversationRecord, m: ReceivedGbm): void {
  ctx.state.deliver(c, m);
  const { delivered, read } = ctx.receiptDelays;
  const start = performance.now();
  const scheduleRead = (): void => {
    if (read === false) return;
    ctx.timers.after(Math.max(0, read - (performance.now() - start)), () => {
      if (!m.receiptsSent.includes('READ')) void sendReceipts(ctx, c, 'READ', [m]);
    });
  };
  if (delivered === false) {
    scheduleRead();
    return;
  }
  ctx.timers.after(delivered, () => {
    if (m.receiptsSent.includes('DELIVERED')) return scheduleRead();
    void sendReceipts(ctx, c, 'DELIVERED', [m]).then(scheduleRead);
  });
}
