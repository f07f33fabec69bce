/**
 * Signed LINE webhooks built in the test, the way the LINE platform sends them, for tests that
 * stream many at the hub and must know exactly which ones were acknowledged.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A LINE user id: 'U' + 32 hex. */
export function lineUserId(): string {
  return 'U' + randomBytes(16).toString('hex');
}

export interface LineTextEvent {
  userId: string;
  /** Unique per event: the hub stores a redelivered event once by it. */
  webhookEventId: string;
  /** The message id LINE gives the customer's message (stored as the provider message id). */
  messageId: string;
  text: string;
  isRedelivery?: boolean;
  /** Default: a made-up token LINE will refuse, so replies fall back to a push with a retry key. */
  replyToken?: string;
}

export function lineTextEvent(e: LineTextEvent): Record<string, unknown> {
  return {
    type: 'message',
    message: { type: 'text', id: e.messageId, quoteToken: `q${e.messageId}`, text: e.text },
    webhookEventId: e.webhookEventId,
    deliveryContext: { isRedelivery: e.isRedelivery ?? false },
    timestamp: Date.now(),
    source: { type: 'user', userId: e.userId },
    replyToken: e.replyToken ?? randomBytes(16).toString('hex'),
    mode: 'active',
  };
}

export function lineSignatureOf(channelSecret: string, body: string | Buffer): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/** The exact body and its X-Line-Signature. */
export function signedLineBody(channelSecret: string, events: unknown[], destination = 'U' + '0'.repeat(32)): { body: string; signature: string } {
  const body = JSON.stringify({ destination, events });
  return { body, signature: lineSignatureOf(channelSecret, body) };
}

/** POSTs one signed webhook; the HTTP status, or 0 when no answer came back (connection refused or cut). */
export async function postLineWebhook(url: string, channelSecret: string, events: unknown[], timeoutMs = 10_000): Promise<number> {
  const { body, signature } = signedLineBody(channelSecret, events);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-line-signature': signature, 'user-agent': 'LineBotWebhook/2.0' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
