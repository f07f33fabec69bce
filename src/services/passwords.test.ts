import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes into a self-describing scrypt string that is not the password', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).not.toContain('correct horse battery');
    const parts = h.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(parts[4] ?? '', 'base64url')).toHaveLength(SCRYPT_PARAMS.saltBytes);
    expect(Buffer.from(parts[5] ?? '', 'base64url')).toHaveLength(SCRYPT_PARAMS.keyBytes);
    expect(needsRehash(h)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('verifies the right password and refuses others', async () => {
    const h = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('compares Unicode passwords by their NFC form', async () => {
    const h = await hashPassword('caf\u00e9 au lait!');
    expect(await verifyPassword('cafe\u0301 au lait!', h)).toBe(true);
  });

  it('verifies hashes made with other parameters, and says they need a rehash', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.alloc(16, 7);
    const key = scryptSync('older password', salt, 32, { N: 1024, r: 8, p: 1 });
    const old = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('older password', old)).toBe(true);
    expect(await verifyPassword('other password', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['other scheme', 'bcrypt$2b$10$abc'],
    ['too few parts', 'scrypt$16384$8$1$c2FsdA'],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHQ$' + 'A'.repeat(86)],
    ['N too large (memory)', `scrypt$${2 ** 24}$8$1$c2FsdHNhbHQ$` + 'A'.repeat(86)],
    ['p zero', 'scrypt$16384$8$0$c2FsdHNhbHQ$' + 'A'.repeat(86)],
    ['short key', 'scrypt$16384$8$1$c2FsdHNhbHQ$AAAA'],
  ])('refuses a malformed stored hash (%s) without throwing', async (_, stored) => {
    expect(await verifyPassword('anything at all', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });
});
