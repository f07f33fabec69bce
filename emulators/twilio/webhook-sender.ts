/**
 * Signs and POSTs form-encoded webhooks (incoming messages and status callbacks) like Twilio:
 * X-Twilio-Signature = base64(HMAC-SHA1(auth token, full URL + each param name+value, sorted by
 * name)), I-Twilio-Idempotency-Token stable across the retries of one webhook, User-Agent
 * TwilioProxy/1.1. A non-2xx answer or no connection is retried with the same parameters and token.
 */
import { createHmac } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { newIdempotencyToken } from './ids.js';

export const WEBHOOK_USER_AGENT = 'TwilioProxy/1.1';

export type FormParams = Record<string, string | readonly string[]>;

/**
 * The X-Twilio-Signature of a POST to `url` with `params`. A repeated name contributes each of its
 * values, de-duplicated and sorted, as twilio-node's validateRequest expects.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name] ?? '';
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export function formBody(params: FormParams): string {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string') out.append(name, value);
    else for (const v of value) out.append(name, v);
  }
  return out.toString();
}

export interface SenderOptions {
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** Aborted when the emulator closes: attempts in flight stop, no further ones start. */
  signal: AbortSignal;
}
export interface AttemptResult {
  /** 0 when no HTTP answer came back. */
  status: number;
  responseBody: string;
  error?: string;
}
export interface DeliveryResult extends AttemptResult {
  attempts: number;
  idempotencyToken: string;
}

/** One signed POST. */
export async function postSigned(url: string, authToken: string, params: FormParams, token: string, opts: SenderOptions): Promise<AttemptResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': WEBHOOK_USER_AGENT,
        'X-Twilio-Signature': twilioSignature(authToken, url, params),
        'I-Twilio-Idempotency-Token': token,
        'X-Home-Region': 'us1',
      },
      body: formBody(params),
      signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]),
    });
    return { status: res.status, responseBody: await res.text() };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { status: 0, responseBody: '', error: `${err instanceof Error ? err.message : String(err)}${cause}` };
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Delivers one webhook, retrying on failure; resolves with the last attempt's outcome. */
export async function deliverForm(
  target: { url: string; authToken: string },
  params: FormParams,
  opts: SenderOptions,
  what: string,
): Promise<DeliveryResult> {
  const idempotencyToken = newIdempotencyToken();
  let last: AttemptResult = { status: 0, responseBody: '' };
  let attempts = 0;
  while (attempts < Math.max(1, opts.attempts) && !opts.signal.aborted) {
    if (attempts > 0) await sleep(opts.retryDelayMs * 2 ** (attempts - 1), opts.signal);
    if (opts.signal.aborted) break;
    attempts += 1;
    last = await postSigned(target.url, target.authToken, params, idempotencyToken, opts);
    if (last.status >= 200 && last.status < 300) break;
    opts.log.warn({ url: target.url, status: last.status, error: last.error, attempt: attempts, idempotencyToken }, `Twilio emulator: ${what} failed`);
  }
  return { ...last, attempts, idempotencyToken };
}
