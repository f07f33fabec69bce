import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sealer } from './sealed.js';

const key = randomBytes(32);
const sealer = new Sealer(key);

/** Flips one bit of a base64url segment, keeping it valid base64url of the same length. */
function flipBit(segment: string): string {
  const bytes = Buffer.from(segment, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64url');
}

describe('Sealer', () => {
  it('refuses a key that is not 32 bytes', () => {
    expect(() => new Sealer(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new Sealer(Buffer.alloc(0))).toThrow(/32 bytes/);
  });

  it.each(['', 'channel-secret-123', '{"channelSecret":"abc","token":"ü ☃ 日本"}', 'x'.repeat(100_000)])(
    'round-trips %#',
    (plain) => {
      const sealed = sealer.seal(plain);
      expect(sealed.startsWith('v1.')).toBe(true);
      if (plain.length > 0) expect(sealed).not.toContain(plain);
      expect(sealer.unseal(sealed)).toBe(plain);
    },
  );

  it('uses a fresh IV: the same text seals differently each time', () => {
    const a = sealer.seal('same');
    const b = sealer.seal('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  it('rejects a tampered ciphertext, tag or IV', () => {
    const [v, iv, tag, data] = sealer.seal('a secured credential').split('.') as [string, string, string, string];
    expect(() => sealer.unseal([v, iv, tag, flipBit(data)].join('.'))).toThrow();
    expect(() => sealer.unseal([v, iv, flipBit(tag), data].join('.'))).toThrow();
    expect(() => sealer.unseal([v, flipBit(iv), tag, data].join('.'))).toThrow();
    // A truncated tag must not weaken the check.
    expect(() => sealer.unseal([v, iv, Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url'), data].join('.'))).toThrow();
    expect(() => sealer.unseal([v, iv, '', data].join('.'))).toThrow();
  });

  it('rejects what is not a sealed value', () => {
    expect(() => sealer.unseal('plain text')).toThrow(/not a sealed value/);
    expect(() => sealer.unseal('v2.a.b.c')).toThrow(/not a sealed value/);
    expect(() => sealer.unseal('v1.a.b')).toThrow(/not a sealed value/);
  });

  it('a different key cannot unseal', () => {
    const sealed = sealer.seal('only for the first key');
    expect(() => new Sealer(randomBytes(32)).unseal(sealed)).toThrow();
    expect(new Sealer(Buffer.from(key)).unseal(sealed)).toBe('only for the first key');
  });

  it('signs and verifies; a changed message, signature or key fails', () => {
    const msg = 'blob_123|preview|1767225600';
    const sig = sealer.sign(msg);
    expect(sealer.verify(msg, sig)).toBe(true);
    expect(new Sealer(Buffer.from(key)).verify(msg, sig)).toBe(true);
    expect(sealer.verify(msg + 'x', sig)).toBe(false);
    expect(sealer.verify(msg, flipBit(sig))).toBe(false);
    expect(sealer.verify(msg, sig.slice(0, -1))).toBe(false);
    expect(sealer.verify(msg, '')).toBe(false);
    expect(new Sealer(randomBytes(32)).verify(msg, sig)).toBe(false);
  });
});
