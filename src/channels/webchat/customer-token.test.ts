import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCustomerToken, verifyCustomerToken } from './customer-token.js';

const SECRET = 'an-identity-secret-of-forty-characters!!';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const exp = NOW / 1000 + 600;
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const hmac = (text: string, secret = SECRET) => createHmac('sha256', secret).update(text).digest('base64url');

describe('customer tokens (HS256 JWT)', () => {
  it('accepts a token signed with the identity secret and returns its claims', () => {
    const token = signCustomerToken({ sub: 'cust-1', name: 'Maya', email: 'maya@example.com', exp, iat: exp - 600 }, SECRET);
    expect(verifyCustomerToken(token, SECRET, NOW)).toEqual({ ok: true, claims: { sub: 'cust-1', name: 'Maya', email: 'maya@example.com', exp } });
  });

  it('interoperates with a JWT made by hand the way libraries make them', () => {
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: '42', exp })}`;
    expect(verifyCustomerToken(`${head}.${hmac(head)}`, SECRET, NOW)).toMatchObject({ ok: true, claims: { sub: '42' } });
  });

  const head = (h: unknown, p: unknown) => `${b64(h)}.${b64(p)}`;
  it.each([
    ['a wrong secret', signCustomerToken({ sub: 'a', exp }, 'another-secret-another-secret-another!!'), /signature/],
    ['alg none', `${head({ alg: 'none' }, { sub: 'a', exp })}.`, /JWT|HS256/],
    ['alg HS512', (() => { const h = head({ alg: 'HS512' }, { sub: 'a', exp }); return `${h}.${hmac(h)}`; })(), /HS256/],
    ['an expired token', signCustomerToken({ sub: 'a', exp: NOW / 1000 - 31 }, SECRET), /expired/],
    ['no exp', signCustomerToken({ sub: 'a' }, SECRET), /exp/],
    ['no sub', signCustomerToken({ exp }, SECRET), /sub/],
    ['a numeric sub', signCustomerToken({ sub: 7, exp }, SECRET), /sub/],
    ['not valid yet', signCustomerToken({ sub: 'a', exp, nbf: NOW / 1000 + 120 }, SECRET), /not valid yet/],
    ['two parts', 'abc.def', /JWT/],
    ['a truncated signature', signCustomerToken({ sub: 'a', exp }, SECRET).slice(0, -2), /signature/],
    ['a tampered payload', (() => { const [h, , s] = signCustomerToken({ sub: 'a', exp }, SECRET).split('.'); return `${h}.${b64({ sub: 'admin', exp })}.${s}`; })(), /signature/],
    ['non-JSON parts', `${b64('{{')}.${b64('x')}.${hmac(`${b64('{{')}.${b64('x')}`)}`, /HS256/],
  ])('refuses %s', (_name, token, reason) => {
    const r = verifyCustomerToken(token, SECRET, NOW);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });

  it('tolerates 30 s of clock skew on exp', () => {
    expect(verifyCustomerToken(signCustomerToken({ sub: 'a', exp: NOW / 1000 - 10 }, SECRET), SECRET, NOW).ok).toBe(true);
  });

  it('refuses everything without a secret', () => {
    expect(verifyCustomerToken(signCustomerToken({ sub: 'a', exp }, ''), '', NOW).ok).toBe(false);
  });
});
