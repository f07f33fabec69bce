/**
 * AES-256-GCM sealing of secured fields at rest, and HMAC signing of expiring media URLs.
 * Format: v1.<iv b64url>.<tag b64url>.<ciphertext b64url>
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

function subKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `switchboard:${purpose}`, 32));
}

export class Sealer {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;
  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('secret key must be 32 bytes');
    this.encKey = subKey(masterKey, 'seal');
    this.macKey = subKey(masterKey, 'sign');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  unseal(sealed: string): string {
    const [v, iv, tag, data] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed value');
    // The full 16-byte tag: Node would otherwise accept a truncated one (4 bytes = 32-bit forgery).
    const d = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
  }

  sign(message: string): string {
    return createHmac('sha256', this.macKey).update(message).digest('base64url');
  }

  verify(message: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(message));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
