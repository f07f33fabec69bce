/** Identifiers shaped like the ones the LINE platform hands out. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let messageSeq = 0;

/** A LINE user id: 'U' followed by 32 lowercase hex digits. */
export function newUserId(): string {
  return `U${randomBytes(16).toString('hex')}`;
}

/** A stable user id for a display name typed into the emulator UI, so the same name is the same user. */
export function userIdForName(channelId: string, name: string): string {
  return `U${createHash('sha256').update(`${channelId}\u0000${name}`).digest('hex').slice(0, 32)}`;
}

/** Reply tokens are 32 lowercase hex digits. */
export function newReplyToken(): string {
  return randomBytes(16).toString('hex');
}

/** Message ids are numeric strings of about 18 digits, increasing within a process. */
export function newMessageId(): string {
  messageSeq = (messageSeq + 1) % 100_000;
  return (BigInt(Date.now()) * 100_000n + BigInt(messageSeq)).toString();
}

/** Quote tokens are opaque URL-safe strings. */
export function newQuoteToken(): string {
  return `q${randomBytes(48).toString('base64url')}`;
}

/** Mark-as-read tokens are opaque too. */
export function newMarkAsReadToken(): string {
  return randomBytes(24).toString('base64url');
}

/** webhookEventId is a ULID: 10 characters of millisecond time, 16 of randomness (Crockford base32). */
export function newWebhookEventId(nowMs: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (const byte of randomBytes(16)) rand += CROCKFORD.charAt(byte % 32);
  return time + rand;
}

export function newRequestId(): string {
  return randomUUID();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
