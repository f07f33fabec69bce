/**
 * A signed-in customer's token: an HS256 JWT the business's own server signs with the account's
 * identity secret (`sub` required and stable per customer, `exp` required, `name` and `email`
 * optional). Verified with node:crypto only; fails closed: any other algorithm, a bad signature,
 * a missing or past `exp`, or a malformed part is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export interface CustomerClaims {
  sub: string;
  exp: number;
  name?: string;
  email?: string;
}

export type CustomerTokenResult = { ok: true; claims: CustomerClaims } | { ok: false; reason: string };

/** Clock skew tolerated on `exp` and `nbf`, in seconds. */
export const CUSTOMER_TOKEN_LEEWAY_S = 30;
export const CUSTOMER_TOKEN_MAX_LENGTH = 4096;

const B64URL = /^[A-Za-z0-9_-]+$/;

const headerSchema = z.object({ alg: z.literal('HS256'), typ: z.string().optional() });
const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  exp: z.number().finite(),
  nbf: z.number().finite().optional(),
  name: z.string().trim().max(200).optional(),
  email: z.string().trim().max(320).optional(),
});

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function verifyCustomerToken(token: string, secret: string, nowMs: number): CustomerTokenResult {
  try {
    if (!secret) return { ok: false, reason: 'this chat has no identity secret, so it accepts no customer tokens' };
    if (token.length > CUSTOMER_TOKEN_MAX_LENGTH) return { ok: false, reason: 'the customer token is too long' };
    const parts = token.split('.');
    const [h, p, s] = parts;
    if (parts.length !== 3 || !h || !p || !s || !B64URL.test(h) || !B64URL.test(p) || !B64URL.test(s)) {
      return { ok: false, reason: 'the customer token is not a JWT (three base64url parts)' };
    }
    const header = headerSchema.safeParse(decodeJson(h));
    if (!header.success) return { ok: false, reason: 'the customer token must be signed with HS256' };
    const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'the customer token signature does not match the identity secret' };
    }
    const claims = claimsSchema.safeParse(decodeJson(p));
    if (!claims.success) return { ok: false, reason: 'the customer token needs a string sub and a numeric exp' };
    const nowS = nowMs / 1000;
    if (claims.data.exp + CUSTOMER_TOKEN_LEEWAY_S <= nowS) return { ok: false, reason: 'the customer token has expired' };
    if (claims.data.nbf !== undefined && claims.data.nbf - CUSTOMER_TOKEN_LEEWAY_S > nowS) {
      return { ok: false, reason: 'the customer token is not valid yet' };
    }
    const { sub, exp, name, email } = claims.data;
    return { ok: true, claims: { sub, exp, ...(name ? { name } : {}), ...(email ? { email } : {}) } };
  } catch {
    return { ok: false, reason: 'the customer token could not be read' };
  }
}

/** Signs a customer token as a business's server would (tests, the demo, the README example). */
export function signCustomerToken(claims: Record<string, unknown>, secret: string): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
