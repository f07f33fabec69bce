/** Identifiers and timestamps shaped like the ones Google's Business Messages hands out. */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/** Conversation ids, webhook request ids and customer message ids are UUIDs. */
export function newUuid(): string {
  return randomUUID();
}

/** A stable conversation id for a name typed into the emulator page: the same name is the same conversation. */
export function conversationIdForName(agentId: string, name: string): string {
  const h = createHash('sha256').update(`${agentId}\u0000${name}`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** OAuth access tokens look like Google's service-account tokens: `ya29.c.` and opaque base64url. */
export function newAccessToken(): string {
  return `ya29.c.${randomBytes(96).toString('base64url')}`;
}

/** A service-account key's private_key_id: 40 lowercase hex digits. */
export function newPrivateKeyId(): string {
  return randomBytes(20).toString('hex');
}

/** A service account's numeric client_id (21 digits). */
export function newClientId(): string {
  return `1${randomString('0123456789', 20)}`;
}

/** The verification secret Google POSTs to a new webhook URL. */
export function newVerificationSecret(): string {
  return randomString('0123456789', 19);
}

/** A Google Maps place id (`ChIJ` + 23 characters). */
export function newPlaceId(): string {
  return `ChIJ${randomBytes(18).toString('base64url').slice(0, 23)}`;
}

/** The object name of a customer's image in the media bucket (24 alphanumerics). */
export function newMediaObjectId(): string {
  return randomString(ALNUM, 24);
}

/** RFC 3339 UTC with microseconds, as Google's JSON timestamps: 2019-08-26T20:10:38.402000Z. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** `YYYYMMDD'T'HHMMSS'Z'`, the x-goog-date of a V4 signed URL. */
export function googDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
