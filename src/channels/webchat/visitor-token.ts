/**
 * The hub-signed visitor token the widget sends as `Authorization: Bearer …` (and `?token=` on
 * the WebSocket). It names who the visitor is for one account — `v:<visitorId>` for an anonymous
 * visitor, `c:<sub>` for a signed-in customer — until it expires (30 days), and carries the
 * pre-chat answers already checked at session time, so any hub process can start the
 * conversation with them (stateless: nothing is kept in memory between requests).
 *
 * Format: `wc1.<base64url JSON {u, e, n?, p?}>.<HMAC>` where the HMAC (Sealer.sign) covers
 * `webchat-visitor|<accountId>|<payload>`: the purpose prefix keeps these signatures apart from
 * the media-URL signatures made with the same key, and the account id binds the token to one account.
 */
import { z } from 'zod';

export interface Signer {
  sign(message: string): string;
  verify(message: string, signature: string): boolean;
}

export const VISITOR_TOKEN_TTL_MS = 30 * 24 * 3_600_000;

export interface VisitorClaims {
  /** `v:<visitorId>` or `c:<sub>`: the identity's provider user id. */
  providerUserId: string;
  expiresAt: number;
  displayName?: string;
  preChat?: Record<string, string>;
}

const payloadSchema = z.object({
  u: z.string().min(3).max(300),
  e: z.number().int(),
  n: z.string().max(200).optional(),
  p: z.record(z.string(), z.string()).optional(),
});

const message = (accountId: string, payload: string) => `webchat-visitor|${accountId}|${payload}`;

export function issueVisitorToken(signer: Signer, accountId: string, claims: VisitorClaims): string {
  const payload = Buffer.from(
    JSON.stringify({
      u: claims.providerUserId,
      e: claims.expiresAt,
      ...(claims.displayName ? { n: claims.displayName } : {}),
      ...(claims.preChat && Object.keys(claims.preChat).length > 0 ? { p: claims.preChat } : {}),
    }),
  ).toString('base64url');
  return `wc1.${payload}.${signer.sign(message(accountId, payload))}`;
}

/** The claims of a genuine, unexpired token for this account; undefined for anything else. */
export function readVisitorToken(signer: Signer, accountId: string, token: string, nowMs: number): VisitorClaims | undefined {
  if (token.length > 16_384) return undefined;
  const [version, payload, sig, ...rest] = token.split('.');
  if (version !== 'wc1' || !payload || !sig || rest.length > 0) return undefined;
  if (!signer.verify(message(accountId, payload), sig)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const r = payloadSchema.safeParse(json);
  if (!r.success || r.data.e <= nowMs) return undefined;
  return {
    providerUserId: r.data.u,
    expiresAt: r.data.e,
    ...(r.data.n ? { displayName: r.data.n } : {}),
    ...(r.data.p ? { preChat: r.data.p } : {}),
  };
}
