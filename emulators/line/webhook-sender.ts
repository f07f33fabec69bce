/**
 * Signs and POSTs webhook bodies like the LINE platform: X-Line-Signature =
 * base64(HMAC-SHA256(channel secret, the exact body bytes)), and redelivers a failed event
 * (non-2xx or no connection) with `deliveryContext.isRedelivery: true` and the same webhookEventId.
 */
import { createHmac } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { asRedelivery, callbackBody, type WebhookEvent } from './events.js';

export const WEBHOOK_USER_AGENT = 'LineBotWebhook/2.0';

export interface WebhookTarget {
  url: string;
  channelSecret: string;
  /** The bot's user id. */
  destination: string;
}
export interface SenderOptions {
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
}
export interface AttemptResult {
  /** 0 when no HTTP answer came back. */
  status: number;
  responseBody: string;
  error?: string;
}
export interface DeliveryResult extends AttemptResult {
  attempts: number;
  /** As sent on the last attempt. */
  event: WebhookEvent;
}

export function lineSignature(channelSecret: string, body: Buffer): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/** One signed POST. */
export async function postSigned(url: string, channelSecret: string, body: Buffer, timeoutMs: number): Promise<AttemptResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': WEBHOOK_USER_AGENT,
        'X-Line-Signature': lineSignature(channelSecret, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, responseBody: await res.text() };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { status: 0, responseBody: '', error: `${err instanceof Error ? err.message : String(err)}${cause}` };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Delivers one event, redelivering on failure; resolves with the last attempt's outcome. */
export async function deliverEvent(target: WebhookTarget, first: WebhookEvent, opts: SenderOptions): Promise<DeliveryResult> {
  let event = first;
  let last: AttemptResult = { status: 0, responseBody: '' };
  let attempts = 0;
  while (attempts < Math.max(1, opts.attempts)) {
    if (attempts > 0) {
      await sleep(opts.retryDelayMs * 2 ** (attempts - 1));
      event = asRedelivery(first);
    }
    attempts += 1;
    last = await postSigned(target.url, target.channelSecret, callbackBody(target.destination, [event]), opts.timeoutMs);
    if (last.status >= 200 && last.status < 300) break;
    opts.log.warn(
      { url: target.url, status: last.status, error: last.error, attempt: attempts, webhookEventId: first['webhookEventId'] },
      'LINE emulator: webhook delivery failed',
    );
  }
  return { ...last, attempts, event };
}
