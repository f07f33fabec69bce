/** Identifiers and formats shaped like the ones Twilio hands out. */
import { randomBytes, randomUUID } from 'node:crypto';

/** Random bytes drawn in blocks: one call into the CSPRNG per 256 SIDs rather than per SID. */
const SID_BYTES = 16;
let pool = Buffer.alloc(0);
let poolAt = 0;

/** A Twilio SID: two-letter prefix (SM, MM, ME, HX, …) and 32 lowercase hex digits. */
export function newSid(prefix: string): string {
  if (poolAt + SID_BYTES > pool.length) {
    pool = randomBytes(SID_BYTES * 256);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + SID_BYTES);
  poolAt += SID_BYTES;
  return `${prefix}${hex}`;
}

/** Stable across the retries of one webhook, like I-Twilio-Idempotency-Token. */
export function newIdempotencyToken(): string {
  return randomUUID();
}

let lastSecond = NaN;
let lastRfc2822 = '';

/** `Thu, 24 Aug 2023 05:01:45 +0000`: the 2010-04-01 API's date format (whole seconds; the last one is remembered). */
export function rfc2822(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastRfc2822 = new Date(ms).toUTCString().replace(/GMT$/, '+0000');
    lastSecond = second;
  }
  return lastRfc2822;
}

/** `2015-07-30T19:00:00Z`: the Content API's date format. */
export function iso8601(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const E164_RE = /^\+[1-9]\d{1,14}$/;
export const WHATSAPP_ADDRESS_RE = /^whatsapp:\+[1-9]\d{1,14}$/;
export const ACCOUNT_SID_RE = /^AC[0-9a-fA-F]{32}$/;

/** `whatsapp:+1555…` → `+1555…`; other strings unchanged. */
export function stripWhatsApp(address: string): string {
  return address.replace(/^whatsapp:/, '');
}

export function whatsapp(e164: string): string {
  return `whatsapp:${e164}`;
}

/** WaId: the E.164 number without its `+`. */
export function waId(e164: string): string {
  return e164.replace(/^\+/, '');
}
