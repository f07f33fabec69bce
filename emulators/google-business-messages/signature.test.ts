/** X-Goog-Signature against the vendored vectors, and the JSON bytes signed (Gson's escaping). */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gbmProtocolPath } from './discovery.js';
import { gbmSignature, gsonJson } from './webhook-sender.js';

interface Vector {
  clientToken: string;
  bodyFile?: string;
  body?: string;
  bodySha256?: string;
  signature?: string;
}
const vectors = (JSON.parse(readFileSync(gbmProtocolPath('test-vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;

describe('gbmSignature', () => {
  it('matches every signed vector over the exact body bytes', () => {
    const signed = vectors.filter((v) => v.signature !== undefined);
    expect(signed.length).toBeGreaterThan(0);
    for (const v of signed) {
      const body = v.bodyFile === undefined ? Buffer.from(v.body ?? '', 'utf8') : readFileSync(gbmProtocolPath(v.bodyFile));
      if (v.bodySha256 !== undefined) expect(createHash('sha256').update(body).digest('hex')).toBe(v.bodySha256);
      expect(gbmSignature(v.clientToken, body)).toBe(v.signature);
      expect(gbmSignature(v.clientToken, body.toString('utf8'))).toBe(v.signature);
      expect(gbmSignature('another-token', body)).not.toBe(v.signature);
      // One changed byte changes it.
      const tampered = Buffer.from(body);
      tampered[10] = (tampered[10] ?? 0) ^ 1;
      expect(gbmSignature(v.clientToken, tampered)).not.toBe(v.signature);
    }
  });

  it('is base64 of HMAC-SHA512 keyed by the client token', () => {
    const sig = gbmSignature('k', '{}');
    expect(Buffer.from(sig, 'base64')).toHaveLength(64);
    expect(sig).toBe(createHmac('sha512', 'k').update('{}').digest('base64'));
  });

  it('sends the verification handshake body exactly as the vector shows', () => {
    const v = vectors.find((x) => x.body?.includes('"secret"'));
    expect(v).toBeDefined();
    expect(gsonJson({ clientToken: v?.clientToken, secret: '0123456789' }).toString('utf8')).toBe(v?.body);
  });
});

describe('gsonJson', () => {
  it("escapes = & < > ' like Gson (see image-message.json) and still parses to the same value", () => {
    const value = { text: "https://x/a?b=1&c=2 <i>'q'</i>", n: 1, ok: true };
    const raw = gsonJson(value).toString('utf8');
    expect(raw).toBe('{"text":"https://x/a?b\\u003d1\\u0026c\\u003d2 \\u003ci\\u003e\\u0027q\\u0027\\u003c/i\\u003e","n":1,"ok":true}');
    expect(JSON.parse(raw)).toEqual(value);
    expect(JSON.parse(gsonJson({ s: 'back\\slash=' }).toString('utf8'))).toEqual({ s: 'back\\slash=' });
  });

  it('writes what the example image payload shows for a signed URL', () => {
    const example = readFileSync(gbmProtocolPath('bm-test-framework-payloads/image-message.json'), 'utf8');
    const url = (JSON.parse(example) as { message: { text: string } }).message.text;
    const written = gsonJson({ text: url }).toString('utf8');
    const inExample = /"text": ("[^"]*")/.exec(example)?.[1];
    expect(written).toBe(`{"text":${inExample}}`);
  });
});
