import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawWebhook } from '../adapter.js';
import { lineSignature, verifyLineWebhook } from './verify.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../protocols/line/test-vectors.json', import.meta.url), 'utf8'),
) as { vectors: Array<{ channelSecret: string; body: string; signature: string }> };

function webhook(body: Buffer, signature?: string): RawWebhook {
  return {
    url: 'https://hub.example.com/webhooks/line/acc_1',
    headers: signature === undefined ? {} : { 'x-line-signature': signature },
    body,
  };
}

describe('verifyLineWebhook', () => {
  it.each(vectors.vectors.map((v, i) => [i, v] as const))('accepts test vector %i', (_i, v) => {
    const body = Buffer.from(v.body, 'utf8');
    expect(lineSignature(v.channelSecret, body)).toBe(v.signature);
    expect(verifyLineWebhook(webhook(body, v.signature), { channelSecret: v.channelSecret })).toEqual({ ok: true });
  });

  const v = vectors.vectors[1]!;
  const body = Buffer.from(v.body, 'utf8');

  it('rejects a body with one flipped byte', () => {
    const tampered = Buffer.from(body);
    tampered[10] = tampered[10]! ^ 0x01;
    const result = verifyLineWebhook(webhook(tampered, v.signature), { channelSecret: v.channelSecret });
    expect(result).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects a signature with one flipped character', () => {
    const sig = (v.signature.startsWith('A') ? 'B' : 'A') + v.signature.slice(1);
    expect(verifyLineWebhook(webhook(body, sig), { channelSecret: v.channelSecret })).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects the right body signed with another secret', () => {
    expect(verifyLineWebhook(webhook(body, v.signature), { channelSecret: 'another_secret' })).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('rejects a missing header', () => {
    const result = verifyLineWebhook(webhook(body), { channelSecret: v.channelSecret });
    expect(result).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/missing/i) });
  });

  it('rejects an empty header', () => {
    expect(verifyLineWebhook(webhook(body, ''), { channelSecret: v.channelSecret })).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects a header of a different length (no timingSafeEqual throw)', () => {
    for (const sig of [v.signature.slice(0, -1), `${v.signature}=`, 'x', v.signature.repeat(2)]) {
      expect(verifyLineWebhook(webhook(body, sig), { channelSecret: v.channelSecret })).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('rejects a non-canonical encoding of the right digest', () => {
    // base64 without padding decodes to the same bytes but is not what LINE sends.
    const sig = v.signature.replace(/=+$/, '');
    expect(verifyLineWebhook(webhook(body, sig), { channelSecret: v.channelSecret })).toMatchObject({ ok: false, status: 401 });
  });

  it('fails closed when no secret is configured', () => {
    const sig = lineSignature('', body);
    expect(verifyLineWebhook(webhook(body, sig), { channelSecret: '' })).toMatchObject({ ok: false, status: 401 });
  });

  it('reads only the lower-cased header name', () => {
    const hook: RawWebhook = { url: 'https://x', headers: { 'X-Line-Signature': v.signature }, body };
    expect(verifyLineWebhook(hook, { channelSecret: v.channelSecret })).toMatchObject({ ok: false, status: 401 });
  });
});
