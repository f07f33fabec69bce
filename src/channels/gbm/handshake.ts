/**
 * Google's webhook verification: when an admin saves the webhook URL, Google POSTs
 * `{"clientToken": "…", "secret": "…"}` and expects the secret back as plain text. Answering it
 * proves we own the URL (and that we hold the same client token); the hub then marks the account's
 * webhook verified. Runs before signature verification: this request is not signed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HandshakeResult, RawWebhook } from '../adapter.js';
import type { GbmCredentials } from './config.js';

/** Keys that only real events carry: a body with any of them is never a handshake. */
const EVENT_KEYS = [
  'message',
  'conversationId',
  'requestId',
  'agent',
  'receipts',
  'userStatus',
  'suggestionResponse',
  'authenticationResponse',
  'surveyResponse',
  'context',
] as const;

/** Google's secrets are short tokens; anything longer is not worth echoing. */
export const MAX_SECRET_LENGTH = 1024;

export function gbmHandshake(webhook: RawWebhook, credentials: Pick<GbmCredentials, 'clientToken'>): HandshakeResult {
  const request = verificationRequestOf(webhook.body);
  if (!request) return { handled: false };
  const ok = sameToken(request.clientToken, credentials.clientToken);
  return ok
    ? { handled: true, ok, ack: { status: 200, contentType: 'text/plain', body: request.secret } }
    : { handled: true, ok, ack: { status: 403 } };
}

/** The `{clientToken, secret}` of a verification request, or undefined for anything else. */
export function verificationRequestOf(body: Buffer): { clientToken: string; secret: string } | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0 || body.length > 16 * 1024) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  if (EVENT_KEYS.some((k) => k in o)) return undefined;
  const { clientToken, secret } = o;
  if (typeof clientToken !== 'string' || typeof secret !== 'string') return undefined;
  if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return undefined;
  return { clientToken, secret };
}

/** Timing-safe whatever the lengths: both sides are reduced to fixed-size MACs under a fresh key first. */
function sameToken(given: string, configured: unknown): boolean {
  if (typeof configured !== 'string' || configured.length === 0 || given.length === 0) return false;
  const key = randomBytes(32);
  const a = createHmac('sha256', key).update(given, 'utf8').digest();
  const b = createHmac('sha256', key).update(configured, 'utf8').digest();
  return timingSafeEqual(a, b);
}
