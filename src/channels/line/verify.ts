/** X-Line-Signature: base64(HMAC-SHA256(channel secret, raw body bytes)). Fails closed. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RawWebhook, VerifyResult } from '../adapter.js';
import type { LineCredentials } from './config.js';

export const LINE_SIGNATURE_HEADER = 'x-line-signature';

export function lineSignature(channelSecret: string, body: Buffer): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

function reject(reason: string): VerifyResult {
  return { ok: false, status: 401, reason };
}

export function verifyLineWebhook(
  webhook: RawWebhook,
  credentials: Pick<LineCredentials, 'channelSecret'>,
): VerifyResult {
  try {
    const secret: unknown = credentials.channelSecret;
    if (typeof secret !== 'string' || secret.length === 0) return reject('LINE channel secret is not configured');
    if (!Buffer.isBuffer(webhook.body)) return reject('webhook body is not raw bytes');
    const header: unknown = webhook.headers[LINE_SIGNATURE_HEADER];
    if (typeof header !== 'string' || header.length === 0) return reject('missing X-Line-Signature header');
    // Compare the base64 text byte for byte: a non-canonical encoding of the right digest is refused too.
    const expected = Buffer.from(lineSignature(secret, webhook.body), 'utf8');
    const given = Buffer.from(header, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reject('X-Line-Signature does not match the body and the channel secret');
    }
    return { ok: true };
  } catch (err) {
    return reject(`signature check failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
