import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawWebhook } from '../adapter.js';
import { gbmHandshake } from './handshake.js';
import { gbmSignature, verifyGbmWebhook } from './verify.js';

const PROTOCOL = new URL('../../../protocols/gbm/', import.meta.url);

type Vector = { clientToken: string; body?: string; bodyFile?: string; bodySha256?: string; signature?: string; note?: string };
const vectors = (JSON.parse(readFileSync(new URL('test-vectors.json', PROTOCOL), 'utf8')) as { vectors: Vector[] }).vectors;

function bodyOf(v: Vector): Buffer {
  if (v.bodyFile !== undefined) return readFileSync(new URL(v.bodyFile, PROTOCOL));
  if (v.body !== undefined) return Buffer.from(v.body, 'utf8');
  throw new Error('vector without a body');
}

function webhook(body: Buffer, signature?: string): RawWebhook {
  return {
    url: 'https://hub.example.com/webhooks/gbm/acc_1',
    headers: signature === undefined ? {} : { 'x-goog-signature': signature },
    body,
  };
}

describe('verifyGbmWebhook: the test vectors', () => {
  it('has the vectors this suite expects', () => {
    expect(vectors).toHaveLength(2);
  });

  it.each(vectors.map((v, i) => [i, v] as const))('vector %i', (_i, v) => {
    const body = bodyOf(v);
    if (v.bodySha256 !== undefined) expect(createHash('sha256').update(body).digest('hex')).toBe(v.bodySha256);
    const signature = gbmSignature(v.clientToken, body);
    if (v.signature !== undefined) expect(signature).toBe(v.signature);
    expect(verifyGbmWebhook(webhook(body, signature), { clientToken: v.clientToken })).toEqual({ ok: true });
    if (v.note?.includes('handshake')) {
      // The verification request: answered with the secret, as the vector's note says (200, "0123456789").
      expect(gbmHandshake(webhook(body), { clientToken: v.clientToken })).toEqual({
        handled: true,
        ok: true,
        ack: { status: 200, contentType: 'text/plain', body: '0123456789' },
      });
    } else {
      expect(gbmHandshake(webhook(body), { clientToken: v.clientToken })).toEqual({ handled: false });
    }
  });
});

describe('verifyGbmWebhook: refusals', () => {
  const v = vectors[0]!;
  const body = bodyOf(v);
  const signature = v.signature!;
  const creds = { clientToken: v.clientToken };

  it('rejects a body with one flipped byte', () => {
    const tampered = Buffer.from(body);
    tampered[40] = tampered[40]! ^ 0x01;
    expect(verifyGbmWebhook(webhook(tampered, signature), creds)).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects a body with a trailing newline (raw bytes, not re-serialized JSON)', () => {
    expect(verifyGbmWebhook(webhook(Buffer.concat([body, Buffer.from('\n')]), signature), creds)).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects a signature with one flipped character', () => {
    const sig = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
    expect(verifyGbmWebhook(webhook(body, sig), creds)).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects the right body signed with another client token', () => {
    expect(verifyGbmWebhook(webhook(body, signature), { clientToken: 'ANOTHERTOKEN1234' })).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects an HMAC-SHA256 signature (the wrong algorithm)', () => {
    const sha256 = createHmac('sha256', v.clientToken).update(body).digest('base64');
    expect(verifyGbmWebhook(webhook(body, sha256), creds)).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects a missing header', () => {
    expect(verifyGbmWebhook(webhook(body), creds)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/missing/i) });
  });

  it('rejects an empty header', () => {
    expect(verifyGbmWebhook(webhook(body, ''), creds)).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects a header of a different length (no timingSafeEqual throw)', () => {
    for (const sig of [signature.slice(0, -1), `${signature}=`, 'x', signature.repeat(2)]) {
      expect(verifyGbmWebhook(webhook(body, sig), creds)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('rejects a non-canonical encoding of the right digest', () => {
    expect(verifyGbmWebhook(webhook(body, signature.replace(/=+$/, '')), creds)).toMatchObject({ ok: false, status: 401 });
    expect(verifyGbmWebhook(webhook(body, Buffer.from(signature, 'base64').toString('base64url')), creds)).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('fails closed when no client token is configured', () => {
    expect(verifyGbmWebhook(webhook(body, gbmSignature('', body)), { clientToken: '' })).toMatchObject({ ok: false, status: 401 });
  });

  it('reads only the lower-cased header name', () => {
    const hook: RawWebhook = { url: 'https://x', headers: { 'X-Goog-Signature': signature }, body };
    expect(verifyGbmWebhook(hook, creds)).toMatchObject({ ok: false, status: 401 });
  });
});
