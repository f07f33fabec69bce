/**
 * Signs and POSTs form-encoded webhooks (incoming messages and status callbacks) like Twilio:
 * X-Twilio-Signature = base64(HMAC-SHA1(auth token, full URL + each param name+value, sorted by
 * name)), I-Twilio-Idempotency-Token stable across the retries of one webhook, User-Agent
 * TwilioProxy/1.1. A non-2xx answer or no connection is retried with the same parameters and token.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ClientAnswer, WebhookClient } from '../shared/webhook-client.js';
import { newIdempotencyToken } from './ids.js';

export const WEBHOOK_USER_AGENT = 'TwilioProxy/1.1';

export type FormParams = Record<string, string | readonly string[]>;

/** Auth tokens as HMAC keys, prepared once rather than per signature. */
const hmacKeys = new Map<string, KeyObject>();
const HMAC_KEYS_MAX = 1024;

/**
 * The X-Twilio-Signature of a POST to `url` with `params`. A repeated name contributes each of its
 * values, de-duplicated and sorted, as twilio-node's validateRequest expects.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let key = hmacKeys.get(authToken);
  if (key === undefined) {
    if (hmacKeys.size >= HMAC_KEYS_MAX) hmacKeys.clear();
    key = createSecretKey(Buffer.from(authToken, 'utf8'));
    hmacKeys.set(authToken, key);
  }
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name] ?? '';
    if (typeof value === 'string') data += name + value;
    else for (const v of [...new Set(value)].sort()) data += name + v;
  }
  return createHmac('sha1', key).update(data, 'utf8').digest('base64');
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
  /** Keep-alive connections to the receivers; closed with the emulator (built on `signal`). */
  client: WebhookClient;
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


/** Webhook URLs parsed lately: a message's status callbacks all go to one. Never modified. */
const parsedUrls = new Map<string, URL>();
const PARSED_URLS_MAX = 4096;

/** One signed POST, on a keep-alive connection of `opts.client` (see emulators/shared/webhook-client.ts). */
export function postSigned(url: string, authToken: string, params: FormParams, token: string, opts: SenderOptions): Promise<ClientAnswer> {
  let target = parsedUrls.get(url);
  if (target === undefined) {
    try {
      target = new URL(url);
    } catch (err) {
      return Promise.resolve({ status: 0, body: '', error: err instanceof Error ? err.message : String(err) });
    }
    if (parsedUrls.size >= PARSED_URLS_MAX) parsedUrls.clear();
    parsedUrls.set(url, target);
  }
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': WEBHOOK_USER_AGENT,
    'x-twilio-signature': twilioSignature(authToken, url, params),
    'i-twilio-idempotency-token': token,
    'x-home-region': 'us1',
  };
  return opts.client.post({ url: target, headers, body: formBody(params), timeoutMs: opts.timeoutMs });
}

/** Wake-ups still to come per signal: one abort listener per signal, not one per sleep. */
const sleepers = new WeakMap<AbortSignal, Set<() => void>>();

function sleepersOf(signal: AbortSignal): Set<() => void> {
  let set = sleepers.get(signal);
  if (set === undefined) {
    const created = new Set<() => void>();
    signal.addEventListener('abort', () => {
      for (const wake of [...created]) wake();
    }, { once: true });
    sleepers.set(signal, created);
    set = created;
  }
  return set;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  const waiting = sleepersOf(signal);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      waiting.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    waiting.add(done);
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
  let last: ClientAnswer = { status: 0, body: '' };
  let attempts = 0;
  while (attempts < Math.max(1, opts.attempts) && !opts.signal.aborted) {
    if (attempts > 0) await sleep(opts.retryDelayMs * 2 ** (attempts - 1), opts.signal);
    if (opts.signal.aborted) break;
    attempts += 1;
    last = await postSigned(target.url, target.authToken, params, idempotencyToken, opts);
    if (last.status >= 200 && last.status < 300) break;
    opts.log.warn({ url: target.url, status: last.status, error: last.error, attempt: attempts, idempotencyToken }, `Twilio emulator: ${what} failed`);
  }
  const result: DeliveryResult = { status: last.status, responseBody: last.body, attempts, idempotencyToken };
  if (last.error !== undefined) result.error = last.error;
  return result;
}
