/**
 * Serializes, signs and POSTs webhook payloads like Business Messages: the body is JSON as Google's
 * Gson writes it (`=`, `&`, `<`, `>` and `'` escaped as \u003d …, see the image-message example),
 * `X-Goog-Signature: base64(HMAC-SHA512(client token, the exact body bytes))`, and a failed
 * delivery (non-2xx or no connection) is redelivered with the same bytes, so the same requestId.
 * Also the webhook verification handshake.
 */
import { createHmac } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';

export const WEBHOOK_USER_AGENT = 'Google-Business-Messages-Emulator/1.0';

export interface SenderOptions {
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** Aborts every pending attempt and retry wait when the emulator closes. */
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
}

/** X-Goog-Signature for a body: base64(HMAC-SHA512(key = client token, message = raw body bytes)). */
export function gbmSignature(clientToken: string, body: Buffer | string): string {
  return createHmac('sha512', clientToken).update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest('base64');
}

const GSON_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '=': '\\u003d',
  "'": '\\u0027',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * JSON as Gson's default (HTML-safe) writer produces it. These characters never occur in JSON
 * outside strings, so replacing them in the output escapes exactly the string contents.
 */
export function gsonJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value).replace(/[<>&='\u2028\u2029]/g, (c) => GSON_ESCAPES[c] ?? c), 'utf8');
}

function failure(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err instanceof Error ? err.message : String(err)}${cause}`;
}

/** One POST; `clientToken` undefined sends it unsigned (the verification handshake). */
export async function postWebhook(url: string, body: Buffer, clientToken: string | undefined, opts: Pick<SenderOptions, 'timeoutMs' | 'signal'>): Promise<AttemptResult> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': WEBHOOK_USER_AGENT };
  if (clientToken !== undefined) headers['X-Goog-Signature'] = gbmSignature(clientToken, body);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.signal]),
    });
    return { status: res.status, responseBody: await res.text() };
  } catch (err) {
    return { status: 0, responseBody: '', error: failure(err) };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Delivers one payload, redelivering the same bytes on failure; resolves with the last attempt. */
export async function deliver(url: string, clientToken: string, body: Buffer, opts: SenderOptions): Promise<DeliveryResult> {
  let last: AttemptResult = { status: 0, responseBody: '' };
  let attempts = 0;
  while (attempts < Math.max(1, opts.attempts) && !opts.signal.aborted) {
    if (attempts > 0) await sleep(opts.retryDelayMs * 2 ** (attempts - 1), opts.signal);
    if (opts.signal.aborted) break;
    attempts += 1;
    last = await postWebhook(url, body, clientToken, opts);
    if (last.status >= 200 && last.status < 300) break;
    opts.log.warn({ url, status: last.status, error: last.error, attempt: attempts }, 'GBM emulator: webhook delivery failed');
  }
  if (attempts === 0) last = { status: 0, responseBody: '', error: 'the emulator is closing' };
  return { ...last, attempts };
}

/**
 * Google's check of a new webhook URL: POST `{"clientToken": …, "secret": …}` (unsigned) and
 * expect 200 with exactly the secret as the body.
 */
export async function verifyWebhook(
  url: string,
  clientToken: string,
  secret: string,
  opts: Pick<SenderOptions, 'timeoutMs' | 'signal'>,
): Promise<{ verified: boolean; status: number; body: string }> {
  const r = await postWebhook(url, gsonJson({ clientToken, secret }), undefined, opts);
  return { verified: r.status === 200 && r.responseBody === secret, status: r.status, body: r.responseBody };
}
