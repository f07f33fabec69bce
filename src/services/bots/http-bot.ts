/**
 * The HTTP bot: each turn is POSTed as JSON to the bot's URL, signed with the bot's secret; the
 * bot answers its actions. Slow or failing bots are retried a little, then reported unavailable
 * (the runner hands the customer to a person). The contract is in README.md.
 *
 * Signature: `X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * with `X-Switchboard-Timestamp: <unix seconds>`; a bot checks it with `verifyBotSignature`.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { botAnswerSchema, type Bot, type BotOutcome, type BotTurn } from './contract.js';

export const httpBotSettingsSchema = z.object({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .describe('Where each turn is POSTed (http or https)'),
});
export type HttpBotSettings = z.infer<typeof httpBotSettingsSchema>;

export const SIGNATURE_HEADER = 'x-switchboard-signature';
export const TIMESTAMP_HEADER = 'x-switchboard-timestamp';
export const REQUEST_ID_HEADER = 'x-switchboard-request-id';
/** A bot should refuse a request whose timestamp is further than this from its clock. */
export const REPLAY_WINDOW_SEC = 300;

/** `sha256=<hex>` over `${timestamp}.${rawBody}`. */
export function signBotRequest(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/** What a bot does with a request: the signature matches and the timestamp is within the replay window. */
export function verifyBotSignature(o: {
  secret: string;
  rawBody: string | Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSec?: number;
  toleranceSec?: number;
}): boolean {
  if (!o.signature || !o.timestamp || !/^\d{1,12}$/.test(o.timestamp)) return false;
  const now = o.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(o.timestamp)) > (o.toleranceSec ?? REPLAY_WINDOW_SEC)) return false;
  const expected = Buffer.from(signBotRequest(o.secret, o.timestamp, o.rawBody));
  const given = Buffer.from(o.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface HttpBotOptions {
  url: string;
  secret: string;
  fetch?: typeof fetch;
  /** Per attempt; default 5 s. */
  timeoutMs?: number;
  /** Waits before the 2nd, 3rd… attempt; default [250, 1000] (two retries). */
  backoffMs?: ReadonlyArray<number>;
  /** Epoch milliseconds (for the timestamp header). */
  now?: () => number;
  /** Answers larger than this are refused (default 1 MiB). */
  maxAnswerBytes?: number;
}

type Attempt = { kind: 'answer'; status: number; body: string } | { kind: 'retryable'; detail: string } | { kind: 'failed'; detail: string };

export class HttpBot implements Bot {
  constructor(private readonly o: HttpBotOptions) {}

  async handle(turn: BotTurn): Promise<BotOutcome> {
    const body = JSON.stringify(turn);
    const requestId = randomUUID();
    const waits = this.o.backoffMs ?? [250, 1000];
    let last = '';
    for (let attempt = 0; attempt <= waits.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, waits[attempt - 1]));
      const a = await this.post(body, requestId);
      if (a.kind === 'answer') return parseAnswer(a.body);
      last = a.detail;
      if (a.kind === 'failed') return { ok: false, reason: 'unavailable', detail: a.detail };
    }
    return { ok: false, reason: 'unavailable', detail: `${last} (after ${waits.length + 1} attempts)` };
  }

  private async post(body: string, requestId: string): Promise<Attempt> {
    const timestamp = Math.floor((this.o.now?.() ?? Date.now()) / 1000);
    const timeoutMs = this.o.timeoutMs ?? 5000;
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-Bot/1',
          [SIGNATURE_HEADER]: signBotRequest(this.o.secret, timestamp, body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [REQUEST_ID_HEADER]: requestId,
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'retryable', detail: `no answer within ${timeoutMs} ms` };
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      return { kind: 'retryable', detail: `cannot reach the bot${cause || (e instanceof Error ? `: ${e.message}` : '')}` };
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      return { kind: 'retryable', detail: `the answer broke off: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) return { kind: 'retryable', detail: `the bot answered HTTP ${res.status}` };
    if (res.status < 200 || res.status >= 300) return { kind: 'failed', detail: `the bot answered HTTP ${res.status}` };
    if (Buffer.byteLength(text) > (this.o.maxAnswerBytes ?? 1024 * 1024)) return { kind: 'failed', detail: 'the answer is too large' };
    return { kind: 'answer', status: res.status, body: text };
  }
}

/** A 2xx body: `{ actions: [...] }`, else invalid (the runner escalates and logs why). */
export function parseAnswer(text: string): BotOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_answer', detail: 'the answer is not JSON' };
  }
  const r = botAnswerSchema.safeParse(json);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${['answer', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    return { ok: false, reason: 'invalid_answer', detail };
  }
  return { ok: true, actions: r.data.actions };
}
