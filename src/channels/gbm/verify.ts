/** X-Goog-Signature: base64(HMAC-SHA512(client token, raw body bytes)). Fails closed. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RawWebhook, VerifyResult } from '../adapter.js';
import type { GbmCredentials } from './config.js';

export const GBM_SIGNATURE_HEADER = 'x-goog-signature';

export function gbmSignature(clientToken: string, body: Buffer): string {
  return createHmac('sha512', clientToken).update(body).digest('base64');
}

function reject(reason: string): VerifyResult {
  return { ok: false, status: 401, reason };
}

export function verifyGbmWebhook(webhook: RawWebhook, credentials: Pick<GbmCredentials, 'clientToken'>): VerifyResult {
  try {
    const token: unknown = credentials.clientToken;
    if (typeof token !== 'string' || token.length === 0) return reject('Business Messages client token is not configured');
    if (!Buffer.isBuffer(webhook.body)) return reject('webhook body is not raw bytes');
    const header: unknown = webhook.headers[GBM_SIGNATURE_HEADER];
    if (typeof header !== 'string' || header.length === 0) return reject('missing X-Goog-Signature header');
    // Compare the base64 text byte for byte: a non-canonical encoding of the right digest is refused too.
    const expected = Buffer.from(gbmSignature(token, webhook.body), 'utf8');
    const given = Buffer.from(header, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reject('X-Goog-Signature does not match the body and the client token');
    }
    return { ok: true };
  } catch (err) {
    return reject(`signature check failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
