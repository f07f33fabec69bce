/**
 * Signs and POSTs form-encoded webhooks (incoming messages and status callbacks) like Twilio:
 * X-Twilio-Signature = base64(HMAC-SHA1(auth token, full URL + each param name+value, sorted by
 * name)), I-Twilio-Idempotency-Token stable across the retries of one webhook, User-Agent
 * TwilioProxy/1.1. A non-2xx answer or no connection is retried with the same parameters and token.
 */
import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
  /** Connections to reuse (default: ones shared by the process). */
  agents?: SenderAgents;
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

/**
 * Keep-alive connections to the receivers, as Twilio's own senders keep: node:http rather than
 * fetch, which cost several times the CPU per callback (web streams, an AbortSignal per attempt)
 * and made the emulator, not the hub, the limit of a load test. One pair per emulator, destroyed
 * when it closes.
 */
export interface SenderAgents {
  'http:': HttpAgent;
  'https:': HttpsAgent;
}

export function createSenderAgents(): SenderAgents {
  return { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 256 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };
}

const defaultAgents = createSenderAgents();

/** One signed POST. */
export function postSigned(url: string, authToken: string, params: FormParams, token: string, opts: SenderOptions): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    const failed = (err: unknown): void => {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      resolve({ status: 0, responseBody: '', error: `${err instanceof Error ? err.message : String(err)}${cause}` });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      failed(err);
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      failed(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const body = Buffer.from(formBody(params), 'utf8');
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        agent: (opts.agents ?? defaultAgents)[target.protocol],
        signal: opts.signal,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': String(body.length),
          'User-Agent': WEBHOOK_USER_AGENT,
          'X-Twilio-Signature': twilioSignature(authToken, url, params),
          'I-Twilio-Idempotency-Token': token,
          'X-Home-Region': 'us1',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          clearTimeout(timer);
          failed(err);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, responseBody: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      failed(err);
    });
    req.end(body);
  });
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
