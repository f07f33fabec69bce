import { describe, expect, it } from 'vitest';
import { Sealer } from '../../lib/sealed.js';
import { issueVisitorToken, readVisitorToken } from './visitor-token.js';

const sealer = new Sealer(Buffer.alloc(32, 7));
const NOW = 1_800_000_000_000;

describe('visitor tokens', () => {
  const token = issueVisitorToken(sealer, 'acc_1', { providerUserId: 'c:cust|1', expiresAt: NOW + 1000, displayName: 'Ann', preChat: { email: 'a@b.co' } });

  it('round-trips for the same account before expiry', () => {
    expect(readVisitorToken(sealer, 'acc_1', token, NOW)).toEqual({ providerUserId: 'c:cust|1', expiresAt: NOW + 1000, displayName: 'Ann', preChat: { email: 'a@b.co' } });
  });

  it('refuses another account, an expired token, a tampered payload, another key, junk', () => {
    expect(readVisitorToken(sealer, 'acc_2', token, NOW)).toBeUndefined();
    expect(readVisitorToken(sealer, 'acc_1', token, NOW + 1000)).toBeUndefined();
    const [v, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'c:someone-else', e: NOW + 1000 })).toString('base64url');
    expect(readVisitorToken(sealer, 'acc_1', `${v}.${forged}.${sig}`, NOW)).toBeUndefined();
    expect(readVisitorToken(new Sealer(Buffer.alloc(32, 8)), 'acc_1', token, NOW)).toBeUndefined();
    for (const junk of ['', 'wc1', 'wc1..', `${token}.x`, token.replace('wc1', 'wc2')]) expect(readVisitorToken(sealer, 'acc_1', junk, NOW)).toBeUndefined();
  });

  it('is not interchangeable with a media-URL signature made with the same key', () => {
    // A media URL signs `${blobId}|${variant}|${exp}`; the visitor token's message has its own prefix.
    const payload = token.split('.')[1]!;
    expect(sealer.verify(`acc_1|${payload}`, token.split('.')[2]!)).toBe(false);
  });
});
